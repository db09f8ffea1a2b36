"""A handling unit on a phone: logs in, lands on its workbench, opens the answer page of an item from
the combined list, answers it, and the item leaves the list."""

import pytest

from consultations.models import Consultation
from tests.conftest import browser_login
from tests.dashboards.test_unit_home import _rows
from tests.factories import TownshipFactory
from tests.factories import consultations as cf
from tests.factories import opinions as of
from tests.factories import proposals as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_answers_an_item_from_its_workbench_on_a_phone(phone_page, live_server):
    pw = pf.proposal_world("ubr")
    ow = of.World(committee=pw.committee, staff=pw.staff, leader=pw.leader, member=pw.proposer,
                  member_user=pw.member_user, other_member=pw.cosigner, other_member_user=pw.cosigner_user,
                  unit=pw.lead_unit, unit_user=pw.lead_user, other_unit=pw.co_unit, other_unit_user=pw.co_user)
    env = cf.Env(pw.committee, pw.staff, pw.leader, pw.proposer, pw.member_user, pw.cosigner, pw.cosigner_user,
                 pw.lead_unit, pw.lead_user, pw.co_unit, pw.co_user, TownshipFactory(committee=pw.committee))
    report = of.report_at(ow, "forwarded_unit", title="小区路灯不亮")
    pf.assigned(pw, title="关于优化公交线路的提案")
    cf.advance(env, cf.make_consultation(env, title="背街小巷协商"), Consultation.Step.CONVERTING)

    p = phone_page
    browser_login(p, live_server, pw.lead_user.username)
    p.goto(f"{live_server.url}/")
    p.wait_for_selector("[data-testid=unit-workbench]")
    assert p.url.endswith("/unit/")
    kinds = [k for k, _ in _rows(p.content())]
    assert sorted(kinds) == ["opinion", "outcome", "proposal_answer"]
    # Phone-first: the page itself does not scroll sideways (the table scrolls inside its wrapper).
    assert p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    p.click(f"tr[data-kind=opinion][data-pk='{report.pk}'] a.button")
    p.fill("[data-testid=feedback-form] textarea[name=content]", "已安排维修，路灯已恢复照明。")
    p.select_option("[data-testid=feedback-form] select[name=outcome]", "resolved")
    p.click("[data-testid=feedback-form] button[type=submit]")
    p.wait_for_selector("text=已提交办理反馈。")

    p.goto(f"{live_server.url}/unit/")
    p.wait_for_selector("[data-testid=unit-workbench]")
    assert sorted(k for k, _ in _rows(p.content())) == ["outcome", "proposal_answer"]
    assert p.locator("[data-testid=unit-kind-counts] [data-kind=opinion] strong").inner_text().strip() == "0"
