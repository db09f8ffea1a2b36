"""The API walks the same workflow through the same services, with the same scoping."""

import pytest
from rest_framework.test import APIClient

from opinions.models import OpinionReport
from tests.factories.opinions import report_at

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_full_walk_through_the_api(w):
    r = _api(w.member_user).post("/api/v1/opinion-reports/", {"title": "学校门口上放学时段交通混乱",
                                                              "content": "建议增派交警疏导", "category": "transport"},
                                 format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["members"] == [{"id": w.member.pk, "name": w.member.name}]
    assert "3个工作日" in r.json()["due_explanation"]
    staff = _api(w.staff)
    assert staff.post(f"/api/v1/opinion-reports/{pk}/register/", {"category": "transport"}, format="json").status_code == 200
    r = staff.post(f"/api/v1/opinion-reports/{pk}/forward/", {"unit": w.unit.pk, "note": "请办理"}, format="json")
    assert r.json()["status"] == "forwarded_unit" and r.json()["unit_name"] == w.unit.name
    r = _api(w.unit_user).post(f"/api/v1/opinion-reports/{pk}/feedback/",
                               {"content": "已安排交警早晚高峰值守", "outcome": "resolved"}, format="json")
    assert r.json()["status"] == "fed_back"
    r = _api(w.member_user).post(f"/api/v1/opinion-reports/{pk}/carry-back/",
                                 {"method": "wechat", "people_reached": 12, "satisfaction": "basic",
                                  "member_rating": "satisfied"}, format="json")
    assert r.json()["status"] == "carried_back", r.content
    r = staff.post(f"/api/v1/opinion-reports/{pk}/close/", {"outcome": "resolved"}, format="json")
    assert r.json()["status"] == "closed"
    assert [e["to_state"] for e in r.json()["timeline"]] == ["received", "registered", "forwarded_unit", "fed_back",
                                                            "carried_back", "closed"]


def test_api_filters_overdue_and_status(w):
    import datetime as dt

    from django.utils import timezone

    late = report_at(w, "forwarded_unit", title="逾期")
    report_at(w, "received", title="新")
    OpinionReport.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    staff = _api(w.staff)
    assert [r["id"] for r in staff.get("/api/v1/opinion-reports/?overdue=true").json()["results"]] == [late.pk]
    assert len(staff.get("/api/v1/opinion-reports/?status=received").json()["results"]) == 1


def test_bulletin_api_numbers_issues_and_refuses_non_staff(w):
    a = report_at(w, "registered", title="一")
    b = report_at(w, "registered", title="二")
    r = _api(w.staff).post("/api/v1/opinion-bulletins/", {"title": "第1期", "report_ids": [a.pk]}, format="json")
    assert r.status_code == 201 and r.json()["number"] == 1 and r.json()["report_count"] == 1
    r = _api(w.leader).post("/api/v1/opinion-bulletins/", {"title": "x", "report_ids": [b.pk]}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "只有政协机关工作人员可以编发专报。"
    r = _api(w.staff).post("/api/v1/opinion-bulletins/", {"title": "第2期", "report_ids": [a.pk]}, format="json")
    assert r.status_code == 400 and "不允许从“已编入专报”" in r.json()["detail"]
    r = _api(w.staff).post("/api/v1/opinion-bulletins/", {"title": "第2期", "report_ids": [b.pk]}, format="json")
    assert r.json()["number"] == 2


def test_units_cannot_create_reports(w):
    r = _api(w.unit_user).post("/api/v1/opinion-reports/", {"title": "x", "content": "y"}, format="json")
    assert r.status_code == 403 and "只有委员和机关工作人员" in r.json()["detail"]


def test_anonymous_gets_nothing():
    assert APIClient().get("/api/v1/opinion-reports/").status_code in (401, 403)


def test_staff_enter_a_report_on_behalf_of_a_member(w, client):
    client.force_login(w.staff)
    r = client.post("/opinions/new/", {"title": "电话反映：公厕管理不到位", "content": "委员电话反映", "category": "urban",
                                       "direction": "up", "members": [w.other_member.pk]})
    report = OpinionReport.objects.get(title__startswith="电话反映")
    assert r.status_code == 302 and list(report.members.all()) == [w.other_member]
    assert report.created_by == w.staff


def test_from_visit_api_is_idempotent(w):
    from workstations.models import Workstation
    from workstations.services import membership_add, visit_submit_public

    ws = Workstation.objects.create(committee=w.committee, name="测试工作室", kind="special")
    membership_add(workstation=ws, member=w.member, role="convenor")
    visit, _ = visit_submit_public(workstation=ws, issue="公厕管理不到位，气味大", client_hash="t")
    api = _api(w.member_user)
    first = api.post("/api/v1/opinion-reports/from-visit/", {"visit": visit.pk}, format="json")
    again = api.post("/api/v1/opinion-reports/from-visit/", {"visit": visit.pk}, format="json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert _api(w.other_member_user).post("/api/v1/opinion-reports/from-visit/", {"visit": visit.pk},
                                          format="json").status_code == 404
