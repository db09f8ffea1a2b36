"""One courtyard consultation (院坝协商) through the five steps in real Chromium: the organiser runs it
on a desktop, a member follows it on a phone, the unit answers its outcome, and the follow-up visit
records how many people are satisfied."""

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, MenuClaim, Outcome
from core.scoping import Role
from tests.conftest import browser_login
from tests.factories import CommitteeFactory, HandlingUnitFactory, MemberFactory, TownshipFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page, code: str, fields: dict | None = None, selects: dict | None = None):
    """Open the action's panel on the organiser page, fill it and submit."""
    panel = page.locator(f"details[data-action={code}]")
    panel.locator("summary").click()
    for name, value in (fields or {}).items():
        panel.locator(f"[name='{code}-{name}']").fill(str(value))
    for name, label in (selects or {}).items():
        panel.locator(f"select[name='{code}-{name}']").select_option(label=label)
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_load_state()


def test_courtyard_consultation_through_five_steps_to_follow_up(page, phone_page, live_server):
    committee = CommitteeFactory(name="政协鹿城区委员会", short_name="鹿城区")
    TownshipFactory(committee=committee, name="七都街道")
    chair = MemberFactory(committee=committee, name="陈立群")
    member = MemberFactory(committee=committee, name="周晓燕")
    unit = HandlingUnitFactory(committee=committee, name="县住房和城乡建设局")
    make_user("co_b_staff", Role.STAFF, committee=committee)
    make_user("co_b_member", Role.MEMBER, member=member)
    make_user("co_b_unit", Role.UNIT, unit=unit)
    staff_user = make_user("co_b_staff2", Role.STAFF, committee=committee)
    menu = services.menu_create(committee=committee, year=timezone.localdate().year, by=staff_user)
    services.topic_create(committee=committee, title="推进村道“最后一公里”建设", menu=menu, by=staff_user)
    services.menu_publish(menu=menu, by=staff_user)

    # 1. 遴选议题: the organiser selects the topic and plans the courtyard consultation.
    browser_login(page, live_server, "co_b_staff")
    page.goto(f"{live_server.url}/consultations/new/")
    page.fill("#id_topic_title", "樟里村村道破损、雨天积水")
    page.select_option("#id_source", label="群众征题")
    page.fill("#id_title", "樟里村院坝协商：村道修缮")
    page.select_option("#id_format", label="院坝协商")
    page.select_option("#id_level", label="村（社区）级")
    page.select_option("#id_chair", label="陈立群")
    page.select_option("#id_venue_township", label="七都街道")
    page.fill("#id_venue_text", "樟里村文化礼堂前院坝")
    page.click("[data-testid=create-form] button[type=submit]")
    page.wait_for_selector("[data-testid=current-step]")
    assert page.get_by_test_id("current-step").inner_text() == "遴选议题"
    c = Consultation.objects.get(title="樟里村院坝协商：村道修缮")

    # A courtyard consultation may not skip research: the page says why.
    _act(page, "hold_session")
    assert page.locator(".msg.error").first.inner_text().startswith("只有微协商可以跳过组织调研环节")

    # 2. 组织调研
    _act(page, "participants", selects={"kind": "政协委员", "member": "周晓燕"})
    _act(page, "start_research")
    assert page.get_by_test_id("current-step").inner_text() == "组织调研"
    _act(page, "research_task", fields={"title": "走访沿线农户"}, selects={"lead": "陈立群"})
    _act(page, "record_findings", fields={"findings": "村道1.2公里破损，43户出行受影响"},
         selects={"task": "走访沿线农户"})

    # 3. 开展活动
    _act(page, "hold_session", fields={"held_on": timezone.localdate().isoformat()})
    assert page.get_by_test_id("current-step").inner_text() == "开展活动"

    # The member follows it on the phone.
    browser_login(phone_page, live_server, "co_b_member")
    phone_page.goto(f"{live_server.url}/consultations/mine/")
    phone_page.get_by_text("樟里村院坝协商：村道修缮").click()
    phone_page.wait_for_selector("[data-testid=current-step]")
    assert phone_page.get_by_test_id("current-step").inner_text() == "开展活动"
    assert phone_page.locator("[data-testid=actions]").count() == 0  # members read, organisers act
    # …and claims a topic from the year's duty menu (菜单式履职) on the phone.
    phone_page.goto(f"{live_server.url}/consultations/menu/")
    phone_page.locator("[data-testid=menu-topics] li", has_text="最后一公里").locator("button").click()
    phone_page.wait_for_selector("text=已认领“推进村道“最后一公里”建设”")
    assert "我已认领 1 项" in phone_page.get_by_test_id("my-quota").inner_text()

    # 4. 形成成果: a session cannot close without minutes.
    _act(page, "outcome_add", fields={"text": "年内完成村道硬化并修建排水沟"},
         selects={"handling_unit": "县住房和城乡建设局"})
    _act(page, "finish_session")
    assert "尚未形成会议纪要" in page.locator(".msg.error").first.inner_text()
    _act(page, "minutes", fields={"body": "与会村民代表、部门代表和委员一致同意分两期修缮。", "attendance": "26"})
    _act(page, "finish_session")
    assert page.get_by_test_id("current-step").inner_text() == "形成成果"

    # 5. 推动转化: outcomes sent to the unit.
    _act(page, "send_outcomes")
    assert page.get_by_test_id("current-step").inner_text() == "推动转化"
    _logout(page)

    # The unit answers its outcome.
    browser_login(page, live_server, "co_b_unit")
    page.goto(f"{live_server.url}/consultations/outcomes/")
    item = page.locator("[data-testid=unit-outcomes] li").first
    assert "年内完成村道硬化并修建排水沟" in item.inner_text()
    item.locator("select[name=result]").select_option(label="已办结")
    item.locator("textarea[name=report]").fill("村道硬化1.2公里、排水沟800米已完工验收。")
    item.locator("button[type=submit]").click()
    page.wait_for_selector("text=办理情况已报告")
    assert Outcome.objects.get().status == Outcome.Status.DONE
    _logout(page)

    # All items done: the follow-up visit is scheduled by itself.
    browser_login(page, live_server, "co_b_staff")
    page.goto(f"{live_server.url}/consultations/{c.pk}/")
    assert page.get_by_test_id("current-step").inner_text() == "回头看"
    assert "成果全部办结自动安排" in page.get_by_test_id("follow-up").inner_text()

    # 回头看: the people's satisfaction is counted, then the consultation is closed.
    _act(page, "record_follow_up", fields={
        "held_on": timezone.localdate().isoformat(), "findings": "村道平整，雨天不再积水。",
        "satisfied": "21", "basically_satisfied": "4", "unsatisfied": "1"})
    votes = page.get_by_test_id("satisfaction").inner_text()
    assert "满意 21" in votes and "基本满意 4" in votes and "不满意 1" in votes
    _act(page, "close")
    assert page.get_by_test_id("current-step").inner_text() == "已办结"
    assert Consultation.objects.get(pk=c.pk).step == Consultation.Step.CLOSED

    phone_page.goto(f"{live_server.url}/consultations/{c.pk}/")
    assert "满意 21" in phone_page.get_by_test_id("satisfaction").inner_text()
    assert MenuClaim.objects.filter(member=member).count() == 1
