"""One click turns a reception visit or a resident's QR issue into a report; the link runs both
ways, and the resident's tracking page shows the report's progress without personal data."""

import pytest

from opinions import services
from opinions.models import OpinionReport
from workstations.models import Visit, Workstation
from workstations.services import membership_add, visit_submit_public

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(w):
    station = Workstation.objects.create(committee=w.committee, name="五马街道委员工作室", kind="special")
    # The member convenes the workstation: handling its residents' issues is the convenor's (workstations.rules).
    membership_add(workstation=station, member=w.member, role="convenor")
    return station


def _qr_visit(ws, **kw):
    visit, _ = visit_submit_public(workstation=ws, issue="小区路灯不亮，夜间出行不安全，请尽快维修。", category="municipal",
                                   name="王大妈", phone="13812345678", client_hash="t", **kw)
    return visit


def test_one_click_converts_a_visit_and_a_second_click_finds_the_same_report(w, ws, client):
    visit = _qr_visit(ws)
    client.force_login(w.member_user)
    assert "转为社情民意信息" in client.get("/opinions/new/").content.decode()
    r = client.post(f"/opinions/from-visit/{visit.pk}/")
    report = OpinionReport.objects.get(visit=visit)
    assert r["Location"] == f"/opinions/{report.pk}/"
    client.post(f"/opinions/from-visit/{visit.pk}/")
    assert OpinionReport.objects.filter(visit=visit).count() == 1
    visit.refresh_from_db()
    assert visit.outcome == Visit.Outcome.OPINION and visit.opinion_report == report
    assert report.source == "public" and report.workstation == ws and list(report.members.all()) == [w.member]
    assert report.category == "urban" and "13812345678" not in report.content and "王大妈" not in report.content
    assert "查询码" in client.get(f"/opinions/{report.pk}/").content.decode()


def test_member_of_another_workstation_cannot_convert(w, ws, client):
    visit = _qr_visit(ws)
    client.force_login(w.other_member_user)
    assert client.post(f"/opinions/from-visit/{visit.pk}/").status_code == 404
    assert not OpinionReport.objects.exists()


def test_an_answered_visit_cannot_become_a_report(w, ws):
    from workstations.services import visit_handle

    visit = _qr_visit(ws)
    visit_handle(visit=visit, outcome="answered", by=w.staff, note="当场解答")
    with pytest.raises(Exception, match="不能再转为社情民意信息"):
        services.opinion_report_from_visit(visit=visit, by=w.member_user)


def test_tracking_page_shows_forwarded_fed_back_and_closed_without_personal_data(w, ws, client):
    visit = _qr_visit(ws)
    report, _ = services.opinion_report_from_visit(visit=visit, by=w.member_user)
    services.opinion_report_register(report=report, by=w.staff)
    services.opinion_report_forward(report=report, by=w.staff, unit=w.unit, note="内部意见：请张局长牵头")
    page = client.get(f"/t/{visit.tracking_code}/").content.decode()
    assert "已转交有关部门" in page and "已反馈" not in page
    services.opinion_report_feedback(report=report, by=w.unit_user, content="已更换灯具。经办人李四 13900001111",
                                     outcome="resolved")
    services.opinion_report_carry_back(report=report, by=w.member_user, member=w.member, method="phone",
                                       satisfaction="satisfied")
    services.opinion_report_close(report=report, by=w.staff, outcome="resolved")
    page = client.get(f"/t/{visit.tracking_code}/").content.decode()
    for text in ("已转交有关部门", "已反馈", "已办结"):
        assert text in page
    for private in ("张局长", "李四", "13900001111", w.unit.name, w.member.name, "13812345678"):
        assert private not in page
