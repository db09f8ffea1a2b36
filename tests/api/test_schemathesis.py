"""The API contract, checked by schemathesis over EVERY operation of the served schema
(``/api/schema/``), in-process against the WSGI app, as superuser, staff, member, unit and
anonymous: no server error, and every status code answered is one the schema documents.

Requests are generated from the schema (valid and invalid input, fixed seed, bounded examples per
operation); half the examples take their path id from the seeded objects so that they hit real
records.
Each role gets its own freshly seeded database (the test transaction is rolled back afterwards)
and every request runs in a savepoint, so a write can change nothing outside this test."""

from __future__ import annotations

import logging
import re
import time

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from .seed import build_api_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "unit", "staff", "superuser"]
MAX_EXAMPLES = 10  # per operation and role (valid and invalid input mixed)
SEED = 20261202


def _ids_by_collection():
    """Real ids for each collection path (the segment before ``{id}``)."""
    from consultations.models import Consultation, FollowUpVisit, MenuClaim, Outcome, Topic
    from dashboards.models import RollupReport
    from members.models import (
        Assignment, Committee, Community, HandlingUnit, Member, PointEntry, Sector, SpecialCommittee, Township,
    )
    from opinions.models import Bulletin, OpinionReport
    from proposals.models import Answer, Proposal, PublicComment, PublicOpening
    from workstations.models import ReceptionDay, Visit, Workstation

    models = {
        "assignments": Assignment, "committees": Committee, "communities": Community, "handling-units": HandlingUnit,
        "members": Member, "point-entries": PointEntry, "sectors": Sector, "special-committees": SpecialCommittee,
        "townships": Township, "consultations": Consultation, "consultation-follow-ups": FollowUpVisit,
        "consultation-outcomes": Outcome, "consultation-topics": Topic, "menu-claims": MenuClaim,
        "rollups": RollupReport, "opinion-bulletins": Bulletin, "opinion-reports": OpinionReport,
        "proposal-answers": Answer, "proposals": Proposal, "proposal-comments": PublicComment,
        "proposal-openings": PublicOpening, "reception-days": ReceptionDay, "visits": Visit,
        "workstations": Workstation,
    }
    return {name: list(model.objects.order_by("pk").values_list("pk", flat=True)[:20]) for name, model in models.items()}


def _strategy(operation, ids: dict, codes: list[str]):
    path = operation.path
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        kwargs = {"generation_mode": mode}
        m = re.search(r"/([a-z-]+)/\{id\}/", path)
        if m and ids.get(m.group(1)):
            # Real ids (so the handler runs), besides whatever the schema allows.
            real = st.sampled_from(ids[m.group(1)])
            if "{code}" in path:
                strategies.append(st.tuples(real, st.sampled_from(codes)).flatmap(
                    lambda ic, kw=kwargs: operation.as_strategy(path_parameters={"id": ic[0], "code": ic[1]}, **kw)))
            else:
                strategies.append(real.flatmap(
                    lambda i, kw=kwargs: operation.as_strategy(path_parameters={"id": i}, **kw)))
        strategies.append(operation.as_strategy(**kwargs))
    return st.one_of(*strategies)


def _run_operation(operation, strategy, headers: dict, failures: list) -> int:
    calls = 0

    @hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                         print_blob=False)
    @hypothesis.seed(SEED)
    @hypothesis.given(case=strategy)
    def run(case):
        nonlocal calls
        calls += 1
        sid = transaction.savepoint()
        try:
            response = case.call(headers=headers)
        except BaseException:
            transaction.savepoint_rollback(sid)
            raise
        if response.status_code >= 500:
            transaction.savepoint_rollback(sid)  # a database error leaves the transaction unusable
        else:
            transaction.savepoint_commit(sid)
        try:
            case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every failure, report all
            found = "; ".join(getattr(e, "title", type(e).__name__) for e in getattr(exc, "exceptions", [exc]))
            failures.append(f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r} "
                            f"-> {response.status_code} ({found}): {response.text[:300]!r}")

    run()
    return calls


@pytest.fixture
def in_process_requests():
    """Requests run inside the test transaction: Django must not close the connection per request
    (the test client does the same). The WSGI app is made first: it sets up logging, after which the
    thousands of expected 4xx warnings are silenced."""
    app = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield app
    logger.setLevel(level)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_without_server_errors_and_only_documented_codes(role, in_process_requests, settings,
                                                                                tmp_path):
    from consultations.views import ACTION_FORMS

    settings.MEDIA_ROOT = str(tmp_path)  # uploaded answers and generated roll-ups stay out of media/
    world = build_api_world()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process_requests)
    ids = _ids_by_collection()
    headers = {"Authorization": f"Token {world.tokens[role]}"} if role != "anonymous" else {}

    started = time.monotonic()
    failures: list[str] = []
    operations = 0
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        calls += _run_operation(operation, _strategy(operation, ids, sorted(ACTION_FORMS)), headers, failures)
    assert operations >= 100, f"only {operations} operations in the schema"
    assert calls >= operations * MAX_EXAMPLES, f"{calls} calls for {operations} operations"
    print(f"{role}: {operations} operations, {calls} requests in {time.monotonic() - started:.0f}s")
    assert not failures, f"{len(failures)} failing requests as {role}:\n" + "\n".join(failures[:60])
