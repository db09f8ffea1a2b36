"""A unit sees and updates only what is assigned to it; members only their own reports."""

import pytest
from rest_framework.test import APIClient

from opinions.models import OpinionReport
from tests.factories.opinions import make_world, report_at

pytestmark = pytest.mark.django_db


def test_unit_never_sees_another_units_items(w, client):
    mine = report_at(w, "forwarded_unit", title="住建的事")
    theirs = report_at(w, "registered", title="交通的事")
    from opinions import services

    services.opinion_report_forward(report=theirs, by=w.staff, unit=w.other_unit)
    client.force_login(w.unit_user)
    inbox = client.get("/opinions/unit/").content.decode()
    assert "住建的事" in inbox and "交通的事" not in inbox
    for url in (f"/opinions/{theirs.pk}/", f"/opinions/unit/{theirs.pk}/"):
        assert client.get(url).status_code == 404
    r = client.post(f"/opinions/{theirs.pk}/feedback/", {"content": "x", "outcome": "resolved"})
    assert r.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "forwarded_unit"
    assert client.get(f"/opinions/unit/{mine.pk}/").status_code == 200
    api = APIClient()
    api.force_authenticate(w.unit_user)
    assert [r["id"] for r in api.get("/api/v1/opinion-reports/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/opinion-reports/{theirs.pk}/").status_code == 404
    r = api.post(f"/api/v1/opinion-reports/{theirs.pk}/feedback/", {"content": "x", "outcome": "resolved"},
                 format="json")
    assert r.status_code == 404


def test_unit_does_not_see_unrouted_reports(w, client):
    report = report_at(w, "registered")
    client.force_login(w.unit_user)
    assert client.get(f"/opinions/{report.pk}/").status_code == 404


def test_members_see_only_their_own_reports(w, client):
    mine = report_at(w, "received", title="我的")
    from opinions import services

    other = services.opinion_report_submit(committee=w.committee, title="别人的", content="x",
                                           members=[w.other_member], by=w.other_member_user)
    client.force_login(w.member_user)
    page = client.get("/opinions/").content.decode()
    assert "我的" in page and "别人的" not in page
    assert client.get(f"/opinions/{other.pk}/").status_code == 404
    assert client.get(f"/opinions/{mine.pk}/").status_code == 200


def test_office_of_another_committee_gets_404(w, client):
    report = report_at(w, "received")
    elsewhere = make_world("x")
    client.force_login(elsewhere.staff)
    assert client.get(f"/opinions/{report.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(elsewhere.staff)
    assert api.get(f"/api/v1/opinion-reports/{report.pk}/").status_code == 404
    assert OpinionReport.objects.visible_to(elsewhere.staff).count() == 0


def test_unit_inbox_is_sorted_by_due_date_and_is_the_units_home(w, client):
    import datetime as dt

    late = report_at(w, "forwarded_unit", title="后交办")
    early = report_at(w, "forwarded_unit", title="先交办")
    OpinionReport.objects.filter(pk=early.pk).update(due_at=late.due_at - dt.timedelta(days=3))
    client.force_login(w.unit_user)
    assert client.get("/")["Location"] == "/unit/"  # the combined unit workbench
    page = client.get("/opinions/unit/").content.decode()
    assert page.index("先交办") < page.index("后交办")
    assert "承办单位反馈社情民意" in page  # every due date shows its explanation


def test_a_unit_that_returned_a_report_no_longer_sees_it_once_another_unit_has_it(w, client):
    from opinions import services

    report = report_at(w, "forwarded_unit")
    services.opinion_report_return(report=report, by=w.unit_user, note="不属于本单位职责")
    services.opinion_report_forward(report=report, by=w.staff, unit=w.other_unit)
    client.force_login(w.unit_user)
    assert client.get(f"/opinions/unit/{report.pk}/").status_code == 404
    client.force_login(w.other_unit_user)
    assert client.get(f"/opinions/unit/{report.pk}/").status_code == 200


def test_a_unit_keeps_seeing_what_it_answered(w, client):
    report = report_at(w, "closed")
    client.force_login(w.unit_user)
    assert client.get(f"/opinions/unit/{report.pk}/").status_code == 200
    assert report.title in client.get("/opinions/unit/").content.decode()  # under 最近已答复


def test_feedback_attachment_is_served_only_within_scope(w, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    report = report_at(w, "forwarded_unit")
    client.force_login(w.unit_user)
    r = client.post(f"/opinions/{report.pk}/feedback/", {
        "content": "已办理，见附件", "outcome": "resolved",
        "attachment": SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 test", content_type="application/pdf")})
    assert r.status_code == 302
    fb = report.feedbacks.get()
    client.force_login(w.member_user)
    page = client.get(f"/opinions/{report.pk}/").content.decode()
    assert f"/opinions/feedback/{fb.pk}/attachment/" in page
    got = client.get(f"/opinions/feedback/{fb.pk}/attachment/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    client.force_login(w.other_unit_user)
    assert client.get(f"/opinions/feedback/{fb.pk}/attachment/").status_code == 404


def test_next_parameter_never_redirects_off_site(w, client):
    report = report_at(w, "received")
    client.force_login(w.staff)
    r = client.post(f"/opinions/{report.pk}/register/", {"category": "urban", "next": "https://evil.example/x"})
    assert r["Location"] == f"/opinions/{report.pk}/"
    r = client.post(f"/opinions/{report.pk}/reject/", {"note": "x", "next": "/opinions/office/"})
    assert r["Location"] == "/opinions/office/"
