"""One door per use case for opinion reports: one service decides reporters, committee and source
(pages, API and visit conversion call it); forwarding without a unit is a field error; role
refusals come from opinions.rules as Forbidden (403) everywhere."""

import pytest
from rest_framework.test import APIClient

from core.errors import DomainError, Forbidden
from opinions import services
from opinions.models import Forwarding, OpinionReport
from tests.factories.opinions import make_world, report_at
from workstations.models import Workstation
from workstations.services import membership_add, visit_submit_public

pytestmark = pytest.mark.django_db


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _reporters(report) -> list[int]:
    return sorted(report.members.values_list("pk", flat=True))


# --- who reports: decided once -------------------------------------------------------------------------

def test_a_member_reports_as_themself_whatever_members_they_name(w):
    report = services.opinion_report_create(by=w.member_user, title="路灯不亮", content="夜间出行不安全。",
                                            members=[w.other_member])
    assert _reporters(report) == [w.member.pk] and report.committee == w.committee
    assert report.source == OpinionReport.Source.MEMBER and report.created_by == w.member_user


def test_page_and_api_decide_reporters_committee_and_source_alike(w, client):
    ws = Workstation.objects.create(committee=w.committee, name="五马街道委员工作室", kind="special")
    client.force_login(w.staff)
    client.post("/opinions/new/", {"title": "页面代录", "content": "委员电话反映", "category": "urban",
                                   "direction": "up", "members": [w.other_member.pk], "workstation": ws.pk})
    r = _api(w.staff).post("/api/v1/opinion-reports/", {"title": "接口代录", "content": "委员电话反映", "category": "urban",
                                                        "member_ids": [w.other_member.pk], "workstation": ws.pk},
                           format="json")
    assert r.status_code == 201, r.json()
    page, api = OpinionReport.objects.get(title="页面代录"), OpinionReport.objects.get(title="接口代录")
    for report in (page, api):
        assert _reporters(report) == [w.other_member.pk]
        assert (report.committee, report.workstation, report.source) == (w.committee, ws, "workstation")


def test_staff_cannot_name_a_member_outside_their_scope(w):
    outsider = make_world("外").member
    with pytest.raises(DomainError) as exc:
        services.opinion_report_create(by=w.staff, title="代录", content="内容", members=[outsider])
    assert exc.value.field == "members" and not OpinionReport.objects.exists()
    r = _api(w.staff).post("/api/v1/opinion-reports/", {"title": "代录", "content": "内容", "member_ids": [outsider.pk]},
                           format="json")
    assert r.status_code == 400 and "members" in r.json() and not OpinionReport.objects.exists()


def test_units_and_leaders_cannot_report(w, client):
    for user in (w.unit_user, w.leader):
        with pytest.raises(Forbidden, match="只有委员和机关工作人员可以报送社情民意信息"):
            services.opinion_report_create(by=user, title="x", content="y")
        assert _api(user).post("/api/v1/opinion-reports/", {"title": "x", "content": "y"},
                               format="json").status_code == 403
        client.force_login(user)
        assert client.post("/opinions/new/", {"title": "x", "content": "y", "category": "urban",
                                              "direction": "up"}).status_code == 403
    assert not OpinionReport.objects.exists()


# --- visits: the workstations rule says who may handle one ---------------------------------------------

def test_the_workstations_members_carry_a_visit_up_a_leader_or_an_outsider_cannot(w, client):
    """Turning a visit into a report is carrying the resident's words up (带上来): the workstation's
    own members and its convenor may (workstations.rules.require_handle_visit); a leader, who reads
    everything, may not, and a member of another workstation does not even see the visit."""
    from tests.factories import MemberFactory, make_user

    ws = Workstation.objects.create(committee=w.committee, name="五马街道委员工作室", kind="special")
    membership_add(workstation=ws, member=w.member, role="convenor")
    membership_add(workstation=ws, member=w.other_member)
    visit, _ = visit_submit_public(workstation=ws, issue="公厕管理不到位，气味大。", category="municipal",
                                   client_hash="t")
    with pytest.raises(Forbidden):
        services.opinion_report_from_visit(visit=visit, by=w.leader)
    client.force_login(w.leader)
    assert client.post(f"/opinions/from-visit/{visit.pk}/").status_code == 403
    assert _api(w.leader).post("/api/v1/opinion-reports/from-visit/", {"visit": visit.pk},
                               format="json").status_code == 403
    outsider = make_user("visit-outsider", "member", member=MemberFactory(committee=w.committee))
    client.force_login(outsider)
    assert client.post(f"/opinions/from-visit/{visit.pk}/").status_code == 404
    assert _api(outsider).post("/api/v1/opinion-reports/from-visit/", {"visit": visit.pk},
                               format="json").status_code == 404
    assert not OpinionReport.objects.exists()
    report, created = services.opinion_report_from_visit(visit=visit, by=w.other_member_user)
    assert created and _reporters(report) == [w.other_member.pk] and report.visit == visit


# --- forwarding ----------------------------------------------------------------------------------------

def test_forwarding_without_a_unit_is_a_field_error_in_any_state(w):
    for state in ("received", "registered"):
        report = report_at(w, state, title=f"无承办单位{state}")
        with pytest.raises(DomainError) as exc:
            services.opinion_report_forward(report=report, by=w.staff, unit=None)
        assert exc.value.field == "unit" and exc.value.message == "请选择承办单位。"
        r = _api(w.staff).post(f"/api/v1/opinion-reports/{report.pk}/forward/", {}, format="json")
        assert r.status_code == 400 and "unit" in r.json()
        report.refresh_from_db()
        assert report.status == state
    assert not Forwarding.objects.exists()


def test_a_refused_forward_leaves_no_forwarding_behind(w):
    report = report_at(w, "received")
    with pytest.raises(DomainError) as exc:
        services.opinion_report_forward(report=report, by=w.staff, unit=w.unit)
    assert exc.value.code == "invalid_transition" and not Forwarding.objects.exists()


def test_forward_updates_the_callers_instance_through_the_workflow(w):
    report = report_at(w, "registered")
    services.opinion_report_forward(report=report, by=w.staff, unit=w.unit)
    assert report.status == "forwarded_unit" and report.unit == w.unit and report.due_at is not None


def test_leader_cannot_forward_or_close(w):
    report = report_at(w, "registered")
    with pytest.raises(Forbidden, match="只有政协机关工作人员可以转交承办单位"):
        services.opinion_report_forward(report=report, by=w.leader, unit=w.unit)
    done = report_at(w, "carried_back", title="已带下去")
    with pytest.raises(Forbidden, match="只有政协机关工作人员可以办结"):
        services.opinion_report_close(report=done, by=w.leader, outcome="resolved")
    assert not Forwarding.objects.filter(report=report).exists()
