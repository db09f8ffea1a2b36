"""Query counts of list pages and list APIs do not grow with the data (5 rows vs 50)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.scoping import Role
from tests.factories import MemberFactory, make_user
from tests.factories.workstations import make_team, make_workstation
from workstations import services
from workstations.models import Visit

pytestmark = pytest.mark.django_db


def _grow(team, n):
    """n workstations in the committee (the team's member in each), n held days and n visits."""
    committee = team.ws.committee
    for i in range(n):
        ws = make_workstation(committee)
        services.membership_add(workstation=ws, member=team.resident)
        services.membership_add(workstation=ws, member=MemberFactory(committee=committee))
        day = services.reception_day_log_held(
            workstation=ws, by=None, member_ids=[team.resident.pk], date=timezone.localdate() - dt.timedelta(days=1),
            visitors=[services.VisitorInput(issue=f"问题{i}", phone="13800000000")])
        services.reception_day_plan(workstation=ws, date=timezone.localdate() + dt.timedelta(days=3))
        Visit.objects.filter(reception_day=day).update(created_at=timezone.now())


def _count(client, url):
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who,url", [
    ("staff", "workstations:list"),
    ("resident", "workstations:my"),
    ("resident", "workstations:my-history"),
    ("staff", "/api/v1/workstations/"),
    ("staff", "/api/v1/reception-days/"),
    ("staff", "/api/v1/visits/"),
    ("resident", "/api/v1/visits/"),
])
def test_list_query_count_is_constant(client, who, url):
    team = make_team()
    staff = make_user("qstaff", Role.STAFF, committee=team.ws.committee)
    user = staff if who == "staff" else team.resident_user
    target = url if url.startswith("/") else reverse(url)
    client.force_login(user)
    _grow(team, 5)
    small = _count(client, target)
    _grow(team, 45)
    assert _count(client, target) == small


def test_workstation_visits_page_query_count_is_constant(client):
    team = make_team()
    client.force_login(team.convenor_user)
    url = reverse("workstations:visits", args=[team.ws.pk])
    for i in range(5):
        services.visit_submit_public(workstation=team.ws, issue=f"问题问题{i}", idempotency_key=f"q5-{i}")
    small = _count(client, url)
    for i in range(45):
        services.visit_submit_public(workstation=team.ws, issue=f"问题问题{i}", idempotency_key=f"q50-{i}",
                                     client_hash=f"c{i}")
    assert _count(client, url) == small
