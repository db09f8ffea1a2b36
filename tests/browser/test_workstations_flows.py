"""Phone-sized Chromium: a member logs a reception day, a resident leaves an issue and tracks it,
a convenor sees the unread count change after a reminder."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.conftest import browser_login
from tests.factories.workstations import make_team
from workstations import services, sweeps
from workstations.models import ReceptionDay, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_logs_a_held_reception_day_with_two_visitors(phone_page, live_server):
    team = make_team(prefix="bm")
    page = phone_page
    browser_login(page, live_server, "bm_resident")
    page.goto(f"{live_server.url}/workstations/my/")
    page.get_by_test_id("log-link").first.click()
    page.get_by_label(re.compile(team.convenor.name)).check()
    page.get_by_label(re.compile(team.resident.name)).check()
    first = page.get_by_test_id("visitor").nth(0)
    first.locator("textarea[name='v-0-issue']").fill("路灯不亮，夜间出行不安全")
    first.locator("select[name='v-0-category']").select_option("municipal")
    first.locator("select[name='v-0-outcome']").select_option("helped")
    page.get_by_test_id("add-visitor").click()
    second = page.get_by_test_id("visitor").nth(1)
    second.locator("textarea[name='v-1-issue']").fill("关爱留守儿童，暑期无人看管")
    second.locator("select[name='v-1-outcome']").select_option("opinion")
    second.locator("input[name='v-1-phone']").fill("13912345678")
    page.get_by_test_id("submit-log").click()
    page.wait_for_url(re.compile(r"/workstations/days/\d+/"))
    assert page.get_by_test_id("day-status").inner_text() == "已举行"
    visits = page.get_by_test_id("visits")
    assert "路灯不亮" in visits.inner_text() and "139****5678" in visits.inner_text()
    day = ReceptionDay.objects.get(workstation=team.ws)
    assert day.status == ReceptionDay.Status.HELD and day.date == timezone.localdate()
    assert set(day.duty_members.values_list("pk", flat=True)) == {team.convenor.pk, team.resident.pk}
    assert sorted(day.visits.values_list("outcome", flat=True)) == ["helped", "opinion"]


def test_resident_leaves_an_issue_and_opens_the_tracking_page(phone_page, live_server):
    team = make_team(prefix="bp")
    services.reception_day_plan(workstation=team.ws, date=timezone.localdate() + dt.timedelta(days=10))
    page = phone_page
    page.goto(f"{live_server.url}/w/{team.ws.public_code}/")
    assert team.convenor.name in page.get_by_test_id("public-members").inner_text()
    assert page.get_by_test_id("next-day").is_visible()
    page.select_option("select[name=category]", "traffic")
    page.fill("textarea[name=issue]", "学校门口上放学时段交通混乱，建议安排协管员")
    page.fill("input[name=phone]", "13800138000")
    page.get_by_test_id("public-submit").click()
    page.wait_for_url(re.compile(r"/t/[A-Z2-7]{10}/"))
    assert page.get_by_test_id("submitted").is_visible()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    visit = Visit.objects.get()
    assert code == visit.tracking_code and visit.phone == "13800138000"
    # Later, the resident looks the code up from the tracking form.
    page.goto(f"{live_server.url}/t/")
    page.fill("input[name=code]", code.lower())
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/t/{code}/"))
    assert page.get_by_test_id("track-status").inner_text() == "待处理"
    assert "已收到您的诉求" in page.get_by_test_id("track-steps").inner_text()
    assert "13800138000" not in page.content() and "138****8000" not in page.content()


def test_header_unread_count_changes_after_a_reminder(phone_page, live_server):
    team = make_team(prefix="bn")
    services.reception_day_plan(workstation=team.ws, date=timezone.localdate() + dt.timedelta(days=3))
    page = phone_page
    browser_login(page, live_server, "bn_convenor")
    page.goto(f"{live_server.url}/workstations/my/")
    assert page.get_by_test_id("unread-count").inner_text().strip() == "0"
    assert sweeps.reception_reminders() == 1
    page.reload()
    assert page.get_by_test_id("unread-count").inner_text().strip() == "1"
    page.click("a.notif")
    assert "委员接待日" in page.content()
