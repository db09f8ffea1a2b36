"""Member and convenor pages through the Django test client."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import OutboxMessage
from tests.factories import HandlingUnitFactory
from tests.factories.workstations import make_team
from workstations import services
from workstations.models import ReceptionDay, StandardItem, Visit

pytestmark = pytest.mark.django_db


def _mgmt(total):
    return {"v-TOTAL_FORMS": str(total), "v-INITIAL_FORMS": "0", "v-MIN_NUM_FORMS": "0", "v-MAX_NUM_FORMS": "50"}


def test_member_home_lists_workstations_and_duty_days(client):
    team = make_team()
    day = services.reception_day_plan(workstation=team.ws, date=timezone.localdate() + dt.timedelta(days=5))
    services.reception_day_set_duty(day=day, member_ids=[team.resident.pk])
    client.force_login(team.resident_user)
    html = client.get(reverse("workstations:my")).content.decode()
    assert team.ws.name in html and "入驻委员" in html and "登记接待日" in html
    assert f"{day.date.month}月{day.date.day}日" in html
    assert "接待日历" not in html  # resident: no convenor links


def test_member_logs_a_held_day_with_two_visitors(client):
    team = make_team()
    unit = HandlingUnitFactory(committee=team.ws.committee)
    client.force_login(team.resident_user)
    form = client.get(reverse("workstations:log", args=[team.ws.pk])).content.decode()
    key = form.split('name="log_key" value="')[1].split('"')[0]
    data = {"day": "", "members": [str(team.resident.pk), str(team.convenor.pk)], "notes": "接待顺利", "log_key": key,
            **_mgmt(3),
            "v-0-issue": "老旧小区改造进度慢", "v-0-category": "housing", "v-0-outcome": "referred",
            "v-0-handling_unit": str(unit.pk), "v-0-name": "李大伯", "v-0-phone": "13700001111",
            "v-1-issue": "独居老人就餐不便", "v-1-category": "elderly", "v-1-outcome": "helped",
            "v-2-issue": "", "v-2-category": "other", "v-2-outcome": "answered"}
    r = client.post(reverse("workstations:log", args=[team.ws.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    day = ReceptionDay.objects.get(workstation=team.ws)
    assert day.status == ReceptionDay.Status.HELD and day.date == timezone.localdate()
    assert sorted(day.visits.values_list("outcome", flat=True)) == ["helped", "referred"]
    assert day.visits.get(outcome="referred").handling_unit == unit
    # A double tap on "save" does not log twice.
    r2 = client.post(reverse("workstations:log", args=[team.ws.pk]), data)
    assert r2.status_code == 302 and ReceptionDay.objects.count() == 1 and Visit.objects.count() == 2
    detail = client.get(r["Location"]).content.decode()
    assert "137****1111" in detail and "13700001111" not in detail


def test_log_form_errors_are_shown_not_500(client):
    team = make_team()
    client.force_login(team.resident_user)
    data = {"day": "", "members": [], "log_key": "abc12345", **_mgmt(1), "v-0-issue": "", "v-0-category": "other",
            "v-0-outcome": "answered", "v-0-phone": "123"}
    r = client.post(reverse("workstations:log", args=[team.ws.pk]), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "请至少勾选一名到场的委员" in html and "请填写正确的手机号码" in html
    services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk])
    data.update(members=[str(team.resident.pk)], log_key="other-key", **{"v-0-phone": ""})
    html = client.post(reverse("workstations:log", args=[team.ws.pk]), data).content.decode()
    assert "不能重复登记" in html


def test_convenor_generates_the_calendar_from_a_monthly_rule(client):
    team = make_team()
    client.force_login(team.convenor_user)
    url = reverse("workstations:calendar", args=[team.ws.pk])
    r = client.post(url, {"action": "rule", "days_of_month": "28", "months": "3"})
    assert r.status_code == 302
    assert ReceptionDay.objects.filter(workstation=team.ws, status="planned").count() in (2, 3)
    n = ReceptionDay.objects.count()
    client.post(url, {"action": "rule", "days_of_month": "28", "months": "3"})
    assert ReceptionDay.objects.count() == n
    team.ws.refresh_from_db()
    assert team.ws.reception_days_of_month == "28"
    bad = client.post(url, {"action": "rule", "days_of_month": "0", "months": "3"})
    assert bad.status_code == 200 and "不是有效的日期" in bad.content.decode()


def test_convenor_assigns_the_duty_roster(client):
    team = make_team()
    services.reception_rule_generate(workstation=team.ws, months=3, start=timezone.localdate() + dt.timedelta(days=1))
    assert ReceptionDay.objects.filter(workstation=team.ws).count() >= 2
    days = list(ReceptionDay.objects.filter(workstation=team.ws).order_by("date"))
    client.force_login(team.convenor_user)
    data = {f"duty-{d.pk}-present": "1" for d in days}
    data[f"duty-{days[0].pk}"] = [str(team.resident.pk), str(team.convenor.pk)]
    r = client.post(reverse("workstations:roster", args=[team.ws.pk]), data)
    assert r.status_code == 302
    assert set(days[0].duty_members.values_list("pk", flat=True)) == {team.resident.pk, team.convenor.pk}
    assert not days[-1].duty_members.exists()


def test_convenor_uploads_photo_evidence_for_a_standard(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    team = make_team()
    item = team.ws.standards.get(code=StandardItem.Code.SIGN)
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, format="PNG")
    buf.seek(0)
    buf.name = "sign.png"
    client.force_login(team.convenor_user)
    r = client.post(reverse("workstations:standards", args=[team.ws.pk]),
                    {"item": item.pk, f"s{item.pk}-done": "on", f"s{item.pk}-note": "", f"s{item.pk}-photo": buf})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.done and item.photo and (tmp_path / item.photo.name).exists()
    page = client.get(reverse("workstations:standards", args=[team.ws.pk])).content.decode()
    assert 'data-testid="standards-done">1<' in page
    # Without evidence: a field error, not a 500.
    other = team.ws.standards.get(code=StandardItem.Code.RULES)
    r = client.post(reverse("workstations:standards", args=[team.ws.pk]),
                    {"item": other.pk, f"s{other.pk}-done": "on", f"s{other.pk}-note": ""})
    assert r.status_code == 200 and "佐证" in r.content.decode()


def test_convenor_records_what_was_done_about_a_public_issue(client):
    team = make_team()
    unit = HandlingUnitFactory(committee=team.ws.committee)
    visit, _ = services.visit_submit_public(workstation=team.ws, issue="公厕管理不到位，气味很大", idempotency_key="h-1")
    client.force_login(team.convenor_user)
    url = reverse("workstations:visit-detail", args=[visit.pk])
    r = client.post(url, {"outcome": "referred", "note": ""})
    assert r.status_code == 200 and "请选择承办单位" in r.content.decode()
    r = client.post(url, {"outcome": "referred", "handling_unit": unit.pk, "note": "转县综合行政执法局"})
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.outcome == "referred" and visit.handling_unit == unit
    track = client.get(reverse("workstations:track", args=[visit.tracking_code])).content.decode()
    assert f"已转交{unit.name}办理" in track


def test_staff_list_and_poster(client):
    from core.scoping import Role
    from tests.factories import make_user

    team = make_team()
    staff = make_user("st", Role.STAFF, committee=team.ws.committee)
    client.force_login(staff)
    assert team.ws.name in client.get(reverse("workstations:list")).content.decode()
    poster = client.get(reverse("workstations:poster", args=[team.ws.pk])).content.decode()
    assert reverse("workstations:qr-svg", args=[team.ws.public_code]) in poster
    assert team.convenor.phone not in poster
    # Staff without a member record land on the list from "my".
    assert client.get(reverse("workstations:my"))["Location"] == reverse("workstations:list")


def test_outbox_rows_commit_with_the_write(client):
    team = make_team()
    client.force_login(team.convenor_user)
    services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk])
    assert OutboxMessage.objects.filter(task_name="workstations.credit_duty_points").count() == 1


def test_get_requests_never_write(client):
    """Scanners and chat apps prefetch links: no GET changes a row."""
    from core.models import Notification, StateChange
    from workstations.models import StandardItem, Workstation, WorkstationMembership, WorkstationMonthFlag

    team = make_team()
    day = services.reception_day_plan(workstation=team.ws, date=timezone.localdate())
    visit, _ = services.visit_submit_public(workstation=team.ws, issue="独居老人就餐不便", idempotency_key="get-1")
    models = [Workstation, WorkstationMembership, StandardItem, ReceptionDay, Visit, WorkstationMonthFlag,
              OutboxMessage, Notification, StateChange]

    def snapshot():
        return [m.objects.count() for m in models] + [list(ReceptionDay.objects.values_list("status", "updated_at"))]

    before = snapshot()
    ws = team.ws.pk
    client.force_login(team.convenor_user)
    for url in [reverse("workstations:my"), reverse("workstations:my-history"), reverse("workstations:list"),
                reverse("workstations:detail", args=[ws]), reverse("workstations:log", args=[ws]) + f"?day={day.pk}",
                reverse("workstations:calendar", args=[ws]), reverse("workstations:roster", args=[ws]),
                reverse("workstations:standards", args=[ws]), reverse("workstations:visits", args=[ws]),
                reverse("workstations:visit-detail", args=[visit.pk]), reverse("workstations:day-detail", args=[day.pk]),
                reverse("workstations:poster", args=[ws]), reverse("workstations:track", args=[visit.tracking_code])]:
        assert client.get(url).status_code == 200, url
    assert snapshot() == before


def test_staff_admin_lists_only_their_committees_workstations(client):
    from core.scoping import Role
    from tests.factories import make_user

    mine = make_team(prefix="adm1")
    other = make_team(prefix="adm2")
    staff = make_user("adminstaff", Role.STAFF, committee=mine.ws.committee, superuser=False)
    from members.services import roles_ensure

    roles_ensure()
    client.force_login(staff)
    html = client.get("/admin/workstations/workstation/").content.decode()
    assert mine.ws.name in html and other.ws.name not in html
    assert client.get(f"/admin/workstations/workstation/{other.ws.pk}/change/").status_code in (302, 404)
    page = client.get(f"/admin/workstations/workstation/{mine.ws.pk}/change/")
    assert page.status_code == 200 and mine.convenor.name in page.content.decode()
    assert client.get("/admin/workstations/visit/").status_code == 200
    assert client.get("/admin/workstations/receptionday/").status_code == 200
