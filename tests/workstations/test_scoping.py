"""Members see their workstations, convenors manage theirs, staff their committee's; others get 404
(SPEC section 5). Who sees a workstation but may not do something there (a resident on the
convenor pages, a leader logging a day) gets 403 with the rules' Chinese message (issue 10)."""

import pytest
from django.urls import reverse

from core.scoping import Role
from tests.factories import MemberFactory, make_user
from tests.factories.workstations import make_team
from workstations import services
from workstations.models import ReceptionDay, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    a = make_team(prefix="a")
    b = make_team(prefix="b")  # another committee
    day = services.reception_day_log_held(workstation=a.ws, by=a.convenor_user, member_ids=[a.convenor.pk])
    visit, _ = services.visit_submit_public(workstation=a.ws, issue="小区消防通道被车辆占用", idempotency_key="scope-1")
    return a, b, day, visit


def _urls(a, day, visit):
    ws = a.ws.pk
    return {
        "detail": reverse("workstations:detail", args=[ws]),
        "log": reverse("workstations:log", args=[ws]),
        "day": reverse("workstations:day-detail", args=[day.pk]),
        "calendar": reverse("workstations:calendar", args=[ws]),
        "roster": reverse("workstations:roster", args=[ws]),
        "standards": reverse("workstations:standards", args=[ws]),
        "visits": reverse("workstations:visits", args=[ws]),
        "visit": reverse("workstations:visit-detail", args=[visit.pk]),
        "poster": reverse("workstations:poster", args=[ws]),
        "api_ws": f"/api/v1/workstations/{ws}/",
        "api_day": f"/api/v1/reception-days/{day.pk}/",
        "api_visit": f"/api/v1/visits/{visit.pk}/",
    }


def _status(client, user, urls):
    client.force_login(user)
    return {k: client.get(u).status_code for k, u in urls.items()}


def test_member_of_another_workstation_gets_404_everywhere(client, two):
    a, b, day, visit = two
    assert set(_status(client, b.convenor_user, _urls(a, day, visit)).values()) == {404}


def test_member_of_another_workstation_in_the_same_committee_gets_404(client, two):
    a, b, day, visit = two
    other = MemberFactory(committee=a.ws.committee)
    user = make_user("neighbour", Role.MEMBER, member=other)
    assert set(_status(client, user, _urls(a, day, visit)).values()) == {404}


def test_staff_of_another_committee_gets_404(client, two):
    a, b, day, visit = two
    staff = make_user("otherstaff", Role.STAFF, committee=b.ws.committee)
    assert set(_status(client, staff, _urls(a, day, visit)).values()) == {404}


def test_staff_of_the_committee_can_do_everything(client, two):
    a, b, day, visit = two
    staff = make_user("staff_a", Role.STAFF, committee=a.ws.committee)
    assert set(_status(client, staff, _urls(a, day, visit)).values()) == {200}


def test_resident_member_sees_and_logs_but_is_refused_convenor_pages(client, two):
    a, b, day, visit = two
    got = _status(client, a.resident_user, _urls(a, day, visit))
    assert {k: got[k] for k in ["detail", "log", "day", "api_ws", "api_day"]} == dict.fromkeys(
        ["detail", "log", "day", "api_ws", "api_day"], 200)
    assert {k: got[k] for k in ["calendar", "roster", "standards", "visits", "poster"]} == dict.fromkeys(
        ["calendar", "roster", "standards", "visits", "poster"], 403)
    r = client.get(reverse("workstations:calendar", args=[a.ws.pk]))
    assert "召集人" in r.content.decode()


def test_convenor_can_use_convenor_pages(client, two):
    a, b, day, visit = two
    assert set(_status(client, a.convenor_user, _urls(a, day, visit)).values()) == {200}


def test_leader_reads_but_does_not_manage(client, two):
    a, b, day, visit = two
    leader = make_user("leader_a", Role.LEADER, committee=a.ws.committee)
    got = _status(client, leader, _urls(a, day, visit))
    assert got["detail"] == 200 and got["api_visit"] == 200
    assert {k: got[k] for k in ["log", "calendar", "roster", "standards"]} == dict.fromkeys(
        ["log", "calendar", "roster", "standards"], 403)


def test_resident_cannot_post_to_convenor_pages(client, two):
    a, b, day, visit = two
    client.force_login(a.resident_user)
    r = client.post(reverse("workstations:calendar", args=[a.ws.pk]), {"action": "rule", "days_of_month": "1",
                                                                       "months": "2"})
    assert r.status_code == 403
    assert not ReceptionDay.objects.filter(workstation=a.ws, status="planned").exists()


def test_anonymous_user_is_sent_to_login(client, two):
    a, b, day, visit = two
    r = client.get(reverse("workstations:detail", args=[a.ws.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/api/v1/visits/").status_code in (401, 403)


def test_api_lists_are_scoped_and_phones_masked(client, two):
    a, b, day, visit = two
    Visit.objects.filter(pk=visit.pk).update(phone="13812345678")
    client.force_login(a.convenor_user)
    ws_ids = [w["id"] for w in client.get("/api/v1/workstations/").json()["results"]]
    assert ws_ids == [a.ws.pk]
    visits = client.get("/api/v1/visits/").json()["results"]
    assert [v["id"] for v in visits] == [visit.pk] and visits[0]["phone"] == "138****5678"
    client.force_login(b.convenor_user)
    assert client.get("/api/v1/visits/").json()["results"] == []
