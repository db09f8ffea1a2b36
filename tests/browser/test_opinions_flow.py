"""One issue end to end in real Chromium: a resident's QR submission → a member's report →
registration → forwarding → the unit's answer → the member carrying it back → closed, and the
resident's tracking page shows it."""

import pytest

from core.scoping import Role
from opinions.models import OpinionReport
from tests.conftest import browser_login, wait_for
from tests.factories import CommitteeFactory, HandlingUnitFactory, MemberFactory, make_user
from workstations.models import Workstation
from workstations.services import membership_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context_page(browser, *, phone: bool):
    kwargs = ({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
              if phone else {"viewport": {"width": 1280, "height": 900}})
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **kwargs)
    ctx.set_default_timeout(15_000)
    return ctx, ctx.new_page()


def test_resident_issue_travels_to_the_unit_and_back_to_the_tracking_page(browser, phone_page, live_server):
    committee = CommitteeFactory(name="政协凤冈县委员会")
    member = MemberFactory(committee=committee, name="刘义江")
    make_user("op_member", Role.MEMBER, member=member)
    make_user("op_staff", Role.STAFF, committee=committee)
    unit = HandlingUnitFactory(committee=committee, name="县住房和城乡建设局")
    HandlingUnitFactory(committee=committee, name="县交通运输局")
    make_user("op_unit", Role.UNIT, unit=unit)
    ws = Workstation.objects.create(committee=committee, name="龙泉街道委员工作室", kind="special")
    # The member convenes the workstation: handling its QR issues is the convenor's (workstations.rules).
    membership_add(workstation=ws, member=member, role="convenor")

    # 1. A resident scans the QR code and leaves an issue (phone, no login).
    resident = phone_page
    resident.goto(f"{live_server.url}/w/{ws.public_code}/")
    resident.select_option("select[name=category]", "housing")
    resident.fill("textarea[name=issue]", "时代国际小区3号楼墙体长期漏水，物业一直不处理。")
    resident.fill("input[name=phone]", "13812345678")
    resident.click("[data-testid=public-submit]")
    code = resident.locator("[data-testid=tracking-code]").inner_text().strip()
    assert code

    # 2. The member turns it into a report with one click (phone).
    ctx, m = _context_page(browser, phone=True)
    try:
        browser_login(m, live_server, "op_member")
        m.goto(f"{live_server.url}/opinions/new/")
        m.locator("[data-testid=pending-visits] [data-testid=visit-to-opinion]").first.click()
        m.wait_for_url("**/opinions/*/")
        assert "墙体长期漏水" in m.locator("[data-testid=report]").inner_text()
        report = OpinionReport.objects.get(visit__tracking_code=code)
        assert report.status == "received"

        # 3. The office registers and forwards it to the unit (desktop).
        sctx, s = _context_page(browser, phone=False)
        try:
            browser_login(s, live_server, "op_staff")
            s.goto(f"{live_server.url}/opinions/{report.pk}/")
            s.select_option("[data-testid=register-form] select[name=category]", "urban")
            s.click("[data-testid=register-form] button[type=submit]")
            s.wait_for_selector("text=已分类登记。")
            s.check("[data-testid=forward-form] input[name=target][value=unit]")
            s.select_option("[data-testid=forward-form] select[name=unit]", label="县住房和城乡建设局")
            s.fill("[data-testid=forward-form] textarea[name=note]", "请研究办理并反馈")
            s.click("[data-testid=forward-form] button[type=submit]")
            s.wait_for_selector("text=已转办。")
            assert "已转交承办单位" in s.locator("[data-testid=status]").inner_text()

            # 4. The unit answers from its opinions inbox (also listed on its /unit/ workbench).
            uctx, u = _context_page(browser, phone=False)
            try:
                browser_login(u, live_server, "op_unit")
                u.goto(f"{live_server.url}/opinions/unit/")
                u.wait_for_selector("[data-testid=unit-inbox]")
                u.click("[data-testid=unit-inbox] a")
                u.fill("[data-testid=feedback-form] textarea[name=content]", "已督促物业对3号楼外墙进行防水修复，已完工。")
                u.select_option("[data-testid=feedback-form] select[name=outcome]", "resolved")
                u.click("[data-testid=feedback-form] button[type=submit]")
                u.wait_for_selector("text=已提交办理反馈。")
                assert "目前没有待办的信息" in u.locator("[data-testid=unit-inbox]").inner_text()
            finally:
                uctx.close()

            # 5. The member carries the answer back (phone).
            m.goto(f"{live_server.url}/opinions/")
            m.click("text=记录带下去")
            m.check("input[name=method][value=visit]")
            m.fill("input[name=people_reached]", "6")
            m.check("input[name=satisfaction][value=satisfied]")
            m.select_option("select[name=member_rating]", "satisfied")
            m.click("[data-testid=carry-back-form] button[type=submit]")
            m.wait_for_selector("text=已记录带下去的情况。")
            assert "群众满意" in m.locator("[data-testid=carry-backs]").inner_text()

            # 6. The office closes it as resolved.
            s.goto(f"{live_server.url}/opinions/{report.pk}/")
            s.select_option("[data-testid=close-form] select[name=outcome]", "resolved")
            s.click("[data-testid=close-form] button[type=submit]")
            s.wait_for_selector("text=已办结。")
            timeline = s.locator("[data-testid=timeline]").inner_text()
            for label in ("已分类登记", "已转交承办单位", "已反馈", "已带下去", "已办结"):
                assert label in timeline
        finally:
            sctx.close()
    finally:
        ctx.close()

    # 7. The resident's tracking page shows the progress and that it is closed — no personal data.
    resident.goto(f"{live_server.url}/t/{code}/")
    steps = resident.locator("[data-testid=track-steps]").inner_text()
    for text in ("已转交有关部门", "已反馈", "已办结"):
        assert text in steps
    body = resident.locator("body").inner_text()
    assert "县住房和城乡建设局" not in body and "刘义江" not in body and "13812345678" not in body
    wait_for(lambda: OpinionReport.objects.get(pk=report.pk).status == "closed", timeout=5, message="closed")
