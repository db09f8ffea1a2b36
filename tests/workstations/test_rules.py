"""workstations.rules: one rule per action, enforced by the service and answered alike by the page
and the API — 403 with a Chinese message for a role that sees the workstation but may not act, 404
for one that does not see it (SPEC section 5), and nothing written either way."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import Forbidden
from core.scoping import Role as UserRole
from tests.factories import MemberFactory, make_user
from tests.factories.workstations import make_team
from workstations import services
from workstations.models import ReceptionDay, StandardItem, Visit, WorkstationMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team(prefix="r")


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_member_not_on_the_roster_cannot_log_its_reception_day(client, team):
    outsider = MemberFactory(committee=team.ws.committee)
    user = make_user("r_outsider", UserRole.MEMBER, member=outsider)
    with pytest.raises(Forbidden, match="登记接待日"):
        services.reception_day_log_held(workstation=team.ws, by=user, member_ids=[team.convenor.pk])
    client.force_login(user)
    r = client.post(reverse("workstations:log", args=[team.ws.pk]), {"members": [str(team.convenor.pk)]})
    assert r.status_code == 404  # not on the roster: the workstation is outside their scope
    r = _api(user).post(f"/api/v1/workstations/{team.ws.pk}/log-reception/",
                        {"member_ids": [team.convenor.pk]}, format="json")
    assert r.status_code == 404
    assert not ReceptionDay.objects.filter(workstation=team.ws).exists()


def test_member_whose_membership_ended_cannot_log_any_more(client, team):
    membership = WorkstationMembership.objects.get(workstation=team.ws, member=team.resident)
    services.membership_end(membership=membership, by=team.convenor_user)
    with pytest.raises(Forbidden):
        services.reception_day_log_held(workstation=team.ws, by=team.resident_user, member_ids=[team.convenor.pk])


def test_leader_sees_but_cannot_log_a_reception_day_on_page_or_api(client, team):
    leader = make_user("r_leader", UserRole.LEADER, committee=team.ws.committee)
    client.force_login(leader)
    r = client.post(reverse("workstations:log", args=[team.ws.pk]), {"members": [str(team.convenor.pk)]})
    assert r.status_code == 403 and "登记接待日" in r.content.decode()
    r = _api(leader).post(f"/api/v1/workstations/{team.ws.pk}/log-reception/",
                          {"member_ids": [team.convenor.pk]}, format="json")
    assert r.status_code == 403 and "登记接待日" in r.json()["detail"] and r.json()["code"] == "forbidden"
    # Refused before the input is read: a bad body still answers 403, not 400.
    assert _api(leader).post(f"/api/v1/workstations/{team.ws.pk}/log-reception/", [], format="json").status_code == 403
    assert not ReceptionDay.objects.filter(workstation=team.ws).exists()


def test_resident_member_logs_the_day(team):
    day = services.reception_day_log_held(workstation=team.ws, by=team.resident_user, member_ids=[team.resident.pk])
    assert day.status == ReceptionDay.Status.HELD


def test_convenor_of_another_workstation_cannot_plan_this_ones_calendar(client, team):
    other = make_team(team.ws.committee, prefix="r2")
    date = timezone.localdate() + dt.timedelta(days=9)
    with pytest.raises(Forbidden, match="安排接待日"):
        services.reception_day_plan(workstation=team.ws, date=date, by=other.convenor_user)
    with pytest.raises(Forbidden):
        services.reception_rule_generate(workstation=team.ws, months=2, by=other.convenor_user)
    client.force_login(other.convenor_user)
    url = reverse("workstations:calendar", args=[team.ws.pk])
    assert client.post(url, {"action": "plan", "date": date.isoformat()}).status_code == 404
    # A convenor elsewhere who is only a resident here sees this workstation but may not plan it.
    services.membership_add(workstation=team.ws, member=other.convenor, by=team.convenor_user)
    r = client.post(url, {"action": "plan", "date": date.isoformat()})
    assert r.status_code == 403 and "安排接待日" in r.content.decode()
    assert not ReceptionDay.objects.filter(workstation=team.ws).exists()


def test_resident_cannot_set_duty_checklist_or_handle_visits(team):
    day = services.reception_day_plan(workstation=team.ws, date=timezone.localdate() + dt.timedelta(days=4))
    with pytest.raises(Forbidden, match="值班"):
        services.reception_day_set_duty(day=day, member_ids=[team.resident.pk], by=team.resident_user)
    item = StandardItem.objects.filter(workstation=team.ws).first()
    with pytest.raises(Forbidden, match="六有"):
        services.standard_item_update(item=item, done=True, note="有场所", by=team.resident_user)
    visit, _ = services.visit_submit_public(workstation=team.ws, issue="楼道堆放杂物影响通行", idempotency_key="rules-1")
    with pytest.raises(Forbidden, match="群众诉求"):
        services.visit_handle(visit=visit, outcome=Visit.Outcome.ANSWERED, by=team.resident_user)
    with pytest.raises(Forbidden, match="调整工作室委员"):
        services.membership_add(workstation=team.ws, member=MemberFactory(committee=team.ws.committee),
                                by=team.resident_user)
    visit.refresh_from_db()
    item.refresh_from_db()
    assert visit.outcome == Visit.Outcome.PENDING and not item.done and not day.duty_members.exists()


def test_visit_page_lets_the_workflow_refuse_a_move_and_the_rules_refuse_a_role(client, team):
    visit, _ = services.visit_submit_public(workstation=team.ws, issue="路口红绿灯时间太短", idempotency_key="rules-2")
    url = reverse("workstations:visit-detail", args=[visit.pk])
    client.force_login(team.resident_user)
    assert client.post(url, {"outcome": "answered", "note": "已解答"}).status_code == 403
    client.force_login(team.convenor_user)
    r = client.post(url, {"outcome": "referred", "note": "转交"})
    assert r.status_code == 200 and "转交承办单位时请选择承办单位。" in r.content.decode()
    client.post(url, {"outcome": "answered", "note": "已当场解答"})
    r = client.post(url, {"outcome": "helped", "note": "再改"})
    assert "不允许从“当场解答”变更为“帮办实事”。" in r.content.decode()
    visit.refresh_from_db()
    assert visit.outcome == Visit.Outcome.ANSWERED


def test_only_committee_staff_set_up_a_workstation(team):
    from tests.factories import TownshipFactory

    with pytest.raises(Forbidden, match="设立委员工作室"):
        services.workstation_create(committee=team.ws.committee, name="越权设立的工作室",
                                    township=TownshipFactory(committee=team.ws.committee), by=team.convenor_user)


def test_a_day_in_the_past_is_refused_by_the_service_and_the_page(client, team):
    from core.errors import DomainError

    past = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="计划日期不能早于今天"):
        services.reception_day_plan(workstation=team.ws, date=past, by=team.convenor_user)
    client.force_login(team.convenor_user)
    r = client.post(reverse("workstations:calendar", args=[team.ws.pk]), {"action": "plan", "date": past.isoformat()})
    assert r.status_code == 200 and "计划日期不能早于今天。" in r.content.decode()
    assert not ReceptionDay.objects.filter(workstation=team.ws).exists()


def test_a_stationed_member_carries_a_visit_up_but_does_not_otherwise_handle_it(team, client):
    """带上来: the members who receive residents turn their issues into reports; referring, answering
    and closing stay with the convenor (workstations.rules.require_handle_visit)."""
    from opinions.models import OpinionReport

    visit, _ = services.visit_submit_public(workstation=team.ws, issue="村道路灯坏了三个月", idempotency_key="carry-1")
    client.force_login(team.resident_user)
    assert visit in client.get(reverse("opinions:create")).context["pending_visits"]
    r = client.post(reverse("opinions:from-visit", args=[visit.pk]))
    assert r.status_code == 302
    report = OpinionReport.objects.get(visit=visit)
    assert list(report.members.all()) == [team.resident]
    visit.refresh_from_db()
    assert visit.outcome == Visit.Outcome.OPINION
    # A member of another workstation of the same committee sees neither the visit nor the button.
    outsider = make_user("carry-outsider", "member", member=MemberFactory(committee=team.ws.committee))
    other, _ = services.visit_submit_public(workstation=team.ws, issue="公交站台缺少遮雨棚", idempotency_key="carry-2")
    client.force_login(outsider)
    assert other not in client.get(reverse("opinions:create")).context["pending_visits"]
    assert client.post(reverse("opinions:from-visit", args=[other.pk])).status_code == 404  # not theirs to see
    other.refresh_from_db()
    assert other.outcome == Visit.Outcome.PENDING
