"""One joint proposal from the member's phone to the member's evaluation, and a public comment held,
approved and shown — in real Chromium."""

import pytest

from proposals.models import Answer, Proposal, PublicComment
from tests.conftest import browser_login
from tests.factories import proposals as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
DESKTOP = dict(viewport={"width": 1280, "height": 900})


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def _open(username: str | None, **kind):
        ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **(kind or PHONE))
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        if username:
            browser_login(page, live_server, username)
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


def status_of(page) -> str:
    return page.get_by_test_id("proposal-status").inner_text()


def test_joint_proposal_from_draft_to_evaluation_and_a_moderated_public_comment(open_as, live_server, tmp_path,
                                                                                 settings):
    settings.MEDIA_ROOT = tmp_path
    w = f.proposal_world("b")
    url = live_server.url

    # The member drafts on a phone and invites a co-signer.
    member = open_as("b-member")
    member.goto(f"{url}/proposals/")
    member.click("[data-testid=new-proposal]")
    member.fill("input[name=title]", "关于县人民医院门口交通拥堵的提案")
    member.select_option("select[name=category]", "society")
    member.fill("textarea[name=content]", "急救车辆进出困难，建议增设临时停车区并优化信号灯。")
    member.fill("input[name=cosigners]", w.cosigner.name)
    member.click("[data-testid=proposal-form] button[type=submit]")
    member.wait_for_selector("[data-testid=draft-actions]")
    p = Proposal.objects.get(title="关于县人民医院门口交通拥堵的提案")
    member.click("[data-testid=submit]")
    member.wait_for_selector("text=附议委员尚未全部确认")
    member.click("[data-testid=invite]")
    member.wait_for_selector("[data-testid=cosigning-actions]")
    assert status_of(member) == "待附议确认"

    # The co-signer confirms on their own page.
    cosigner = open_as("b-cosigner")
    cosigner.goto(f"{url}/proposals/")
    cosigner.click(f"[data-testid=cosign-requests] >> text={p.title}")
    cosigner.click("[data-testid=cosign-confirm]")
    cosigner.wait_for_selector("text=您已确认附议")

    member.reload()
    member.click("[data-testid=submit]")
    member.wait_for_selector("text=提案已提交")
    assert status_of(member) == "已提交待审查"

    # The office files and assigns it from the bulk list.
    staff = open_as("b-staff", **DESKTOP)
    staff.goto(f"{url}/proposals/office/?status=submitted")
    staff.check(f"[data-testid=row-{p.pk}] input[type=checkbox]")
    staff.select_option("select[name=action]", "file_assign")
    staff.select_option("select[name=lead_unit]", str(w.lead_unit.pk))
    staff.select_option("select[name=co_units]", [str(w.co_unit.pk)])
    staff.click("[data-testid=bulk-apply]")
    staff.wait_for_selector("text=已处理1件提案")
    p.refresh_from_db()
    assert p.status == "assigned" and p.number_label == "十届二次会议第0001号"

    # The lead unit answers with a document; the co-unit countersigns.
    unit = open_as("b-lead", **DESKTOP)
    unit.goto(f"{url}/proposals/unit/")
    unit.click(f"text={p.title}")
    unit.click("[data-testid=answer-link]")
    unit.check("input[name=answer_class][value=B]")
    unit.fill("textarea[name=content]", "已在医院门口增设临时停车区，信号灯配时列入明年计划。")
    unit.set_input_files("input[name=document]", files=[
        {"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 answer"}])
    unit.click("[data-testid=answer-submit]")
    unit.wait_for_selector("text=答复已提交")
    assert status_of(unit) == "已答复待会签"
    assert Answer.objects.get(proposal=p).document.name.endswith(".pdf")

    co = open_as("b-co", **DESKTOP)
    co.goto(f"{url}/proposals/{p.pk}/")
    co.fill("[data-testid=countersign-actions] input[name=opinion]", "同意主办单位答复")
    co.click("[data-testid=countersign]")
    co.wait_for_selector("text=已会签")
    assert status_of(co) == "已会签待审核"

    # The office reviews the A/B/C class, releases it and opens it to the public.
    staff.goto(f"{url}/proposals/{p.pk}/")
    staff.click("[data-testid=review-class]")
    staff.wait_for_selector("text=答复分类已审核")
    staff.click("[data-testid=release]")
    staff.wait_for_selector("text=答复已送达委员")
    staff.click("text=公开征求公众意见")
    staff.fill("textarea[name=summary]", "建议缓解县人民医院门口交通拥堵，保障急救通道畅通。")
    staff.click("[data-testid=open-public]")
    staff.wait_for_selector("text=已公开征求公众意见")

    # The member evaluates the answer.
    member.reload()
    assert "B类" in member.get_by_test_id("answers").inner_text()
    member.check("input[name=result][value=satisfied]")
    member.click("[data-testid=evaluate]")
    member.wait_for_selector("text=感谢评价")
    assert status_of(member) == "已办结"

    # A resident comments on the public page; it is held, approved, then shown.
    public = open_as(None)
    public.goto(f"{url}/p/proposals/")
    public.click(f"text={p.title}")
    public.fill("textarea[name=body]", "建议在医院东侧再开一个出口。")
    public.fill("input[name=phone]", "13812345678")
    public.click("[data-testid=comment-submit]")
    public.wait_for_selector("text=审核通过后将公开显示")
    assert "建议在医院东侧再开一个出口" not in public.get_by_test_id("public-comments").inner_text()
    assert PublicComment.objects.get().status == "pending"

    staff.goto(f"{url}/proposals/office/comments/")
    comment = PublicComment.objects.get()
    staff.click(f"[data-testid=approve-{comment.pk}]")
    staff.wait_for_selector("text=已通过")

    public.reload()
    shown = public.get_by_test_id("public-comments").inner_text()
    assert "建议在医院东侧再开一个出口" in shown
    assert "13812345678" not in public.content() and w.proposer.name not in public.content()
