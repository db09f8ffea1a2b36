"""50 proposals filed at once on PostgreSQL get 50 distinct consecutive numbers."""

import threading

import pytest
from django.db import close_old_connections, connection

from proposals import services
from proposals.models import Proposal
from tests.factories import proposals as f

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_filings_get_fifty_consecutive_numbers():
    w = f.proposal_world()
    ids = [f.submitted(w, title=f"并发提案{i}").pk for i in range(50)]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []
    backends: set[int] = set()

    def file_one(pk: int):
        try:
            barrier.wait(timeout=60)
            p = Proposal.objects.get(pk=pk)
            with connection.cursor() as cur:  # each thread files on its own database connection
                cur.execute("SELECT pg_backend_pid()")
                backends.add(cur.fetchone()[0])
            services.proposal_file(proposal=p, by=w.staff)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=file_one, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(backends) == 50
    numbers = sorted(Proposal.objects.filter(pk__in=ids).values_list("number", flat=True))
    assert numbers == list(range(1, 51))
