"""Staff assign members to a township in the admin and see the coverage page change (real Chromium)."""

import pytest

from core.scoping import Role
from members.models import Assignment
from tests.conftest import browser_login
from tests.factories import make_user
from tests.factories.members import make_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_assign_members_to_a_community_and_coverage_changes(page, live_server):
    county = make_county("浏览器县", townships={"东城街道": ["东一社区", "东二社区"], "西山镇": ["西山村"]})
    members = [county.member(name=n) for n in ("张三", "李四", "王五")]
    make_user("staff_b1", Role.STAFF, committee=county.committee)

    browser_login(page, live_server, "staff_b1")
    page.goto(f"{live_server.url}/admin/members/coveragereport/")
    assert page.get_by_test_id("total-covered").inner_text() == "0"
    assert page.get_by_test_id("total-uncovered").inner_text() == "3"
    assert page.get_by_test_id("total-assigned").inner_text() == "0"

    page.goto(f"{live_server.url}/admin/members/member/")
    for m in members[:2]:
        page.check(f"input[name=_selected_action][value='{m.pk}']")
    page.select_option("select[name=action]", "assign_to_place")
    page.click("button[name=index]")
    page.wait_for_selector("#assign-form")
    page.select_option("#id_township", label="东城街道")
    page.select_option("#id_community", label="东城街道·东二社区")
    page.click("[data-testid=assign-submit]")
    page.wait_for_selector("text=已将 2 名委员安排到")
    assert Assignment.objects.filter(community__name="东二社区").count() == 2

    page.click("[data-testid=coverage-link]")
    page.wait_for_selector("[data-testid=coverage-totals]")
    assert page.get_by_test_id("total-covered").inner_text() == "1"
    assert page.get_by_test_id("total-uncovered").inner_text() == "2"
    assert page.get_by_test_id("total-assigned").inner_text() == "2"
    row = page.locator("tr[data-township='东城街道']")
    assert row.get_by_test_id("township-members").inner_text() == "2"
    assert row.locator("[data-community='东二社区']").inner_text() == "东二社区 2"
