"""The permission matrix, generated from the URL configuration (issue 10).

Every route of the pages, the API and the admin (``tests.matrix_routes`` walks ``config.urls``), with
every method it answers, is called as every role of county A (anonymous, member, convenor, unit,
staff, leader, city staff, superuser) and the same roles of county B, with its path parameters
filled with county A's objects (``tests.matrix_world``). Each answer is compared with the EXPECTED
table (``tests.matrix_expected``); a route the table does not classify fails the run. Every write a
role may not make is checked to have changed no row anywhere.

One test per role: each reports every mismatch of its row at once. The world is built once for the
module and every request runs in a savepoint that is rolled back, so cells do not see each other.
"""

from __future__ import annotations

import copy
import os
import time

import pytest
from django.db import transaction
from django.test import Client

from tests.matrix_expected import expected
from tests.matrix_runner import all_cells, classify, matches, run_cell
from tests.matrix_world import ROLES, build_matrix_world, snapshot

pytestmark = pytest.mark.slow  # a few minutes: about 9,800 requests

# The matrix may grow, never silently shrink: cells per role and in all.
MIN_CELLS_PER_ROLE = 700
MIN_CELLS = MIN_CELLS_PER_ROLE * len(ROLES)

_counts: dict[str, int] = {}


@pytest.fixture(scope="module")
def plain_templates():
    """Render templates without the test instrumentation: it copies every template's context for
    ``response.context``, which the matrix does not read and which makes admin pages several times
    slower. Restored after the module."""
    from django.template import Template
    from django.test.utils import _TestState

    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    yield
    Template._render = instrumented


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """Uploaded files of the world (answer letters, feedback attachments, roll-ups) go to a temporary folder."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media"))):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, plain_templates, media_root):
    with django_db_blocker.unblock():
        with transaction.atomic():
            w = build_matrix_world()
            w.cells = all_cells()
            yield w
            transaction.set_rollback(True)


def test_every_route_is_classified(world):
    """A newly added URL (or method, or admin action) must be given its expected answers."""
    unclassified = sorted({cell.label for cell in world.cells for role in ROLES if expected(cell, role) is None})
    assert not unclassified, "routes missing from the EXPECTED table:\n  " + "\n  ".join(unclassified)
    kinds = {cell.route.kind for cell in world.cells}
    assert kinds == {"page", "api", "admin"}
    assert len(world.cells) >= MIN_CELLS_PER_ROLE, f"only {len(world.cells)} route × method cells"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, db):
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    cookies = copy.deepcopy(client.cookies)
    baseline = snapshot()
    mismatches, leaks, slow = [], [], []
    started = time.monotonic()
    checked = 0
    for cell in world.cells:
        want = expected(cell, role)
        if want is None:
            continue  # reported by test_every_route_is_classified
        # Writes that must be refused are checked to change nothing.
        check_writes = cell.is_write and want != "ok"
        t0 = time.monotonic()
        response, url, changed = run_cell(client, cookies, cell, world, baseline if check_writes else None)
        slow.append((time.monotonic() - t0, cell.label))
        checked += 1
        got = classify(response, cell)
        if getattr(response, "file_to_stream", None) is not None:
            response.file_to_stream.close()  # a download holds its file open (not response.close(): that
            # sends request_finished, which closes the test's database connection)
        if not matches(want, got, cell, role):
            mismatches.append(f"{cell.label:<70} {url}\n      expected {want}, got {got} ({response.status_code})")
        if changed:
            leaks.append(f"{cell.label} {url}: refused ({got}) but changed {', '.join(changed)}")
    _counts[role] = checked
    elapsed = time.monotonic() - started
    print(f"\npermission matrix, {role}: {checked} cells in {elapsed:.1f}s")
    if os.environ.get("MATRIX_SLOWEST"):
        for t, label in sorted(slow, reverse=True)[:int(os.environ["MATRIX_SLOWEST"])]:
            print(f"  {t * 1000:7.0f} ms  {label}")
    assert checked >= MIN_CELLS_PER_ROLE, f"{role}: only {checked} cells"
    problems = []
    if mismatches:
        problems.append(f"{len(mismatches)} cell(s) answer otherwise than the EXPECTED table:\n  "
                        + "\n  ".join(mismatches))
    if leaks:
        problems.append("refused writes that changed rows:\n  " + "\n  ".join(leaks))
    assert not problems, f"role {role}:\n" + "\n".join(problems)


def test_matrix_size():
    """Runs after the roles (same module, declared last): the route × role count of this run."""
    total = sum(_counts.values())
    print(f"\npermission matrix: {total} route × method × role cells over {len(_counts)} roles")
    if len(_counts) == len(ROLES):
        assert total >= MIN_CELLS, f"the matrix shrank to {total} cells"
