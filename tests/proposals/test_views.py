"""Pages: members, office, units, leaders and the public; refusals shown, scope enforced."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals import services
from proposals.models import Answer, Proposal, PublicComment
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db
S = Proposal.Status


@pytest.fixture
def w():
    return f.proposal_world()


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_member_drafts_with_cosigners_and_is_told_why_submitting_is_refused(client, w):
    login(client, w.member_user)
    r = client.post(reverse("proposals:create"), {"title": "关于增设路灯的提案", "category": "society",
                                                  "content": "夜间出行不安全。", "cosigners": w.cosigner.name})
    p = Proposal.objects.get(title="关于增设路灯的提案")
    assert r.status_code == 302 and p.cosigners.get().member == w.cosigner
    r = client.post(reverse("proposals:submit", args=[p.pk]), follow=True)
    assert "附议委员尚未全部确认" in messages_of(r)
    assert Proposal.objects.get(pk=p.pk).status == S.DRAFT


def test_unknown_cosigner_name_is_a_form_error_not_a_500(client, w):
    login(client, w.member_user)
    r = client.post(reverse("proposals:create"), {"title": "标题", "category": "society", "content": "内容",
                                                  "cosigners": "查无此人"})
    assert r.status_code == 200 and "未找到委员“查无此人”" in r.content.decode()


def test_cosigner_confirms_on_their_page(client, w):
    p = f.draft(w, cosign=True)
    services.proposal_invite(proposal=p, by=w.member_user)
    login(client, w.cosigner_user)
    page = client.get(reverse("proposals:my"))
    assert p.title in page.content.decode()
    assert 'data-testid="cosign-confirm"' in client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    client.post(reverse("proposals:cosign", args=[p.pk]), {"accept": "1"})
    assert p.cosigners.get().status == "confirmed"


def test_state_changing_links_need_post(client, w):
    p = f.submitted(w)
    login(client, w.staff)
    assert client.get(reverse("proposals:file", args=[p.pk])).status_code == 405
    assert Proposal.objects.get(pk=p.pk).status == S.SUBMITTED


def test_disallowed_transition_on_a_page_shows_the_message(client, w):
    p = f.answered(w)
    login(client, w.staff)
    r = client.post(reverse("proposals:release", args=[p.pk]), follow=True)
    assert r.status_code == 200 and "会办单位尚未全部会签" in messages_of(r)
    r = client.post(reverse("proposals:assign", args=[p.pk]), {"lead_unit": w.lead_unit.pk}, follow=True)
    assert "不允许从“已答复待会签”变更为“已交办”" in messages_of(r)


def test_office_files_and_assigns_in_bulk(client, w):
    ps = [f.submitted(w, title=f"提案{i}") for i in range(3)]
    login(client, w.staff)
    r = client.post(reverse("proposals:office"), {"ids": [p.pk for p in ps[:2]], "action": "file_assign",
                                                  "lead_unit": w.lead_unit.pk, "co_units": [w.co_unit.pk]}, follow=True)
    assert "已处理2件提案" in messages_of(r)
    assert [Proposal.objects.get(pk=p.pk).status for p in ps] == [S.ASSIGNED, S.ASSIGNED, S.SUBMITTED]
    assert sorted(Proposal.objects.filter(number__isnull=False).values_list("number", flat=True)) == [1, 2]


def test_bulk_not_filing_without_a_reason_is_a_field_error(client, w):
    p = f.submitted(w)
    login(client, w.staff)
    r = client.post(reverse("proposals:office"), {"ids": [p.pk], "action": "not_file", "reason": ""})
    assert r.status_code == 200 and "不予立案须填写理由" in r.content.decode()


def test_bulk_reports_each_refusal(client, w):
    ok, draft = f.submitted(w), f.draft(w)
    login(client, w.staff)
    r = client.post(reverse("proposals:office"), {"ids": [ok.pk, draft.pk], "action": "file"}, follow=True)
    text = messages_of(r)
    assert "已处理1件提案" in text and "不允许从“草稿”变更为“已立案”" in text


def test_unit_answers_with_a_document_and_the_co_unit_countersigns(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = f.assigned(w)
    login(client, w.lead_user)
    assert p.title in client.get(reverse("proposals:unit")).content.decode()
    doc = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 answer", content_type="application/pdf")
    r = client.post(reverse("proposals:answer", args=[p.pk]), {"answer_class": "B", "content": "列入明年计划。",
                                                               "document": doc, "submit": "1"})
    assert r.status_code == 302
    a = Answer.objects.get(proposal=p)
    assert a.status == "submitted" and a.document.name.endswith(".pdf")
    login(client, w.co_user)
    client.post(reverse("proposals:countersign", args=[p.pk]), {"opinion": "同意"})
    assert Proposal.objects.get(pk=p.pk).status == S.COUNTERSIGNED


def test_answer_form_rejects_other_file_types(client, w):
    p = f.assigned(w)
    login(client, w.lead_user)
    doc = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    r = client.post(reverse("proposals:answer", args=[p.pk]), {"answer_class": "A", "content": "x", "document": doc,
                                                               "submit": "1"})
    assert r.status_code == 200 and "答复函只支持" in r.content.decode()


def test_unit_sees_only_its_own_proposals(client, w):
    mine = f.assigned(w)
    other = f.proposal_world()
    theirs = f.assigned(other)
    login(client, w.lead_user)
    assert client.get(reverse("proposals:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("proposals:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("proposals:answer", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("proposals:countersign", args=[theirs.pk])).status_code == 404
    Proposal.objects.filter(pk=theirs.pk).update(title="别县提案：关于改造城西农贸市场的建议")
    page = client.get(reverse("proposals:unit")).content.decode()
    assert mine.title in page
    assert "别县提案：关于改造城西农贸市场的建议" not in page


def test_a_unit_not_assigned_gets_404_even_within_the_committee(client, w):
    from tests.factories import HandlingUnitFactory, make_user

    p = f.assigned(w)
    idle = make_user("idle-unit", "unit", unit=HandlingUnitFactory(committee=w.committee))
    login(client, idle)
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 404


def test_member_evaluates_on_their_page(client, w):
    p = f.released(w)
    login(client, w.member_user)
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert 'data-testid="evaluate"' in page and "已增开早晚班次" in page
    client.post(reverse("proposals:evaluate", args=[p.pk]), {"result": "basically", "comment": ""})
    assert Proposal.objects.get(pk=p.pk).status == S.CLOSED


def test_answers_are_hidden_from_the_member_until_released(client, w):
    p = f.answered(w)
    login(client, w.member_user)
    assert "已增开早晚班次" not in client.get(reverse("proposals:detail", args=[p.pk])).content.decode()


def test_leader_page_lists_key_proposals_with_supervision(client, w):
    p = services.proposal_mark_key(proposal=f.filed(w), leader=w.leader, by=w.staff)
    services.supervision_record_add(proposal=p, by=w.leader, content="召开督办座谈会", method="meeting")
    login(client, w.leader)
    page = client.get(reverse("proposals:key-list") + "?mine=1").content.decode()
    assert p.title in page and "召开督办座谈会" in page


def test_member_and_office_pages_are_403_for_units(client, w):
    """A page for another role is a role refusal (403); 404 is for objects outside scope."""
    login(client, w.lead_user)
    assert client.get(reverse("proposals:my")).status_code == 403
    assert client.get(reverse("proposals:office")).status_code == 403


# --- public participation ---------------------------------------------------------------------------

@pytest.fixture
def opening(w):
    p = f.assigned(w)
    return services.proposal_open_public(proposal=p, by=w.staff, summary="建议优化公交线路，增加早晚班次。")


def public_post(client, opening, body="建议在新城区增加一条线路。", **extra):
    import uuid

    data = {"body": body, "nickname": "王大爷", "phone": "13812345678", "website": "", "idem": uuid.uuid4().hex}
    data.update(extra)
    return client.post(reverse("proposals:public-detail", args=[opening.pk]), data)


def test_public_comment_is_held_until_approved_and_shows_no_personal_data(client, w, opening):
    r = public_post(client, opening)
    assert r.status_code == 302
    c = PublicComment.objects.get()
    assert c.status == "pending"
    page = client.get(reverse("proposals:public-detail", args=[opening.pk])).content.decode()
    assert "建议在新城区增加一条线路" not in page
    services.public_comment_moderate(comment=c, by=w.staff, approve=True)
    services.public_comment_reply(comment=c, by=w.lead_user, reply="已纳入线路优化方案。")
    page = client.get(reverse("proposals:public-detail", args=[opening.pk])).content.decode()
    assert "建议在新城区增加一条线路" in page and "已纳入线路优化方案" in page
    assert "王大爷" not in page and "13812345678" not in page and "5678" not in page
    assert w.proposer.name not in page
    assert opening.proposal.title in client.get(reverse("proposals:public-list")).content.decode()


def test_double_tap_creates_one_comment(client, opening):
    public_post(client, opening, idem="same-key-123")
    public_post(client, opening, idem="same-key-123")
    assert PublicComment.objects.count() == 1


def test_honeypot_stores_nothing(client, opening):
    r = public_post(client, opening, website="http://spam.example")
    assert r.status_code == 302 and PublicComment.objects.count() == 0


def test_comment_flood_is_refused_clearly(client, opening, settings):
    settings.PROPOSAL_COMMENT_RATE = "3/10m"
    codes = [public_post(client, opening, body=f"第{i}条意见建议内容").status_code for i in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert PublicComment.objects.count() == 3
    assert "提交过于频繁" in public_post(client, opening).content.decode()


def test_rate_limit_lets_comments_through_when_the_cache_is_down(client, opening, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    r = public_post(client, opening)
    assert r.status_code == 302 and PublicComment.objects.get().status == "pending"
    assert "skipped, cache unavailable" in caplog.text


def test_short_comment_is_a_field_error(client, opening):
    r = public_post(client, opening, body="好")
    assert r.status_code == 200 and "请至少写5个字" in r.content.decode()


def test_staff_moderate_on_the_moderation_page(client, w, opening):
    public_post(client, opening)
    c = PublicComment.objects.get()
    login(client, w.staff)
    page = client.get(reverse("proposals:moderation")).content.decode()
    assert c.body in page and "13812345678" not in page
    client.post(reverse("proposals:comment-moderate", args=[c.pk]), {"approve": "0", "reason": "与提案无关"})
    c.refresh_from_db()
    assert c.status == "rejected"


def test_unit_replies_only_to_approved_comments(client, w, opening):
    public_post(client, opening)
    c = PublicComment.objects.get()
    login(client, w.lead_user)
    r = client.post(reverse("proposals:comment-reply", args=[c.pk]), {"reply": "谢谢"}, follow=True)
    assert r.status_code == 404  # pending comments are not visible to the unit
    services.public_comment_moderate(comment=c, by=w.staff, approve=True)
    client.post(reverse("proposals:comment-reply", args=[c.pk]), {"reply": "谢谢您的建议"})
    c.refresh_from_db()
    assert c.reply == "谢谢您的建议" and c.reply_unit == w.lead_unit


def test_staff_enter_a_group_proposal_and_submit_it(client, w):
    login(client, w.staff)
    r = client.post(reverse("proposals:office-create"), {
        "proposer_kind": "party", "group_name": "民盟县委会", "title": "关于加强非遗保护的提案",
        "category": "culture", "content": "建议设立非遗传承基地。"})
    p = Proposal.objects.get(title="关于加强非遗保护的提案")
    assert r.status_code == 302 and p.proposer_label == "民盟县委会" and p.member is None
    client.post(reverse("proposals:submit", args=[p.pk]))
    assert Proposal.objects.get(pk=p.pk).status == S.SUBMITTED


def test_staff_entering_for_an_unknown_member_get_a_field_error(client, w):
    login(client, w.staff)
    r = client.post(reverse("proposals:office-create"), {
        "proposer_kind": "member", "member_name": "不存在", "title": "t", "category": "society", "content": "c"})
    assert r.status_code == 200 and "未找到委员“不存在”" in r.content.decode()


def test_answer_letter_is_served_only_to_those_who_may_read_the_answer(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = f.assigned(w)
    doc = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    a = services.answer_save(assignment=p.assignments.get(role="lead"), by=w.lead_user, content="答复",
                             answer_class="A", document=doc, submit=True)
    url = reverse("proposals:answer-document", args=[a.pk])
    login(client, w.co_user)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 letter"
    login(client, w.member_user)
    assert client.get(url).status_code == 404  # not released to the member yet
    client.logout()
    assert client.get(url).status_code == 302  # login required
    login(client, f.proposal_world().lead_user)
    assert client.get(url).status_code == 404


def test_unit_list_marks_overdue_by_the_one_rule(client, w):
    """Past due and still owed: overdue. Past due but answered: not (core.deadlines)."""
    import datetime as dt

    from django.utils import timezone

    owed = f.assigned(w, co=False, title="关于增设社区养老服务站的提案")
    done = f.answered(w, co=False, title="关于改善城区停车难问题的提案")
    assert owed.title != done.title
    past = timezone.now() - dt.timedelta(days=3)
    UnitAssignment = owed.assignments.model
    UnitAssignment.objects.filter(proposal__in=[owed, done]).update(due_at=past)
    login(client, w.lead_user)
    page = client.get(reverse("proposals:unit")).content.decode()
    rows = {p.title: page.split(p.title, 1)[1].split("</tr>", 1)[0] for p in (owed, done)}
    assert 'class="status overdue"' in rows[owed.title]
    assert 'class="status overdue"' not in rows[done.title]
