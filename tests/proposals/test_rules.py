"""One door per use case: creating a proposal with its co-signers is one service call in one
transaction, and each role rule (proposals.rules) refuses alike from service, page, API and admin."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import DomainError, Forbidden
from proposals import services
from proposals.models import Proposal, PublicComment
from tests.factories import HandlingUnitFactory, make_user
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.proposal_world()


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


# --- create with co-signers: one call, one transaction -------------------------------------------------

def test_api_create_with_a_cosigner_of_another_committee_leaves_no_draft(w):
    outsider = f.proposal_world().cosigner
    before = Proposal.objects.count()
    r = _api(w.member_user).post("/api/v1/proposals/", {
        "title": "关于校园周边交通的提案", "content": "上放学时段拥堵。", "cosigner_ids": [w.cosigner.pk, outsider.pk],
    }, format="json")
    assert r.status_code == 400 and r.data["cosigners"] == ["附议委员须为本政协的委员。"]
    assert Proposal.objects.count() == before


def test_service_create_refusing_a_cosigner_rolls_the_draft_back(w):
    with pytest.raises(DomainError, match="领衔委员不能附议自己的提案"):
        services.proposal_create_draft(member=w.proposer, title="关于路灯的提案", content="路灯不亮。",
                                       cosigners=[w.proposer], by=w.member_user)
    assert not Proposal.objects.exists()


def test_page_create_failing_on_cosigners_leaves_no_draft(client, w, monkeypatch):
    """Whatever refuses the invitations, the draft goes with them (page and office page alike)."""
    def refuse(p, members, *, by):
        assert Proposal.objects.filter(pk=p.pk).exists()  # the draft was written in the same transaction
        raise DomainError("附议委员须为本政协的委员。", field="cosigners")

    monkeypatch.setattr(services, "_cosigners_invite", refuse)
    client.force_login(w.member_user)
    r = client.post(reverse("proposals:create"), {"title": "关于增设路灯的提案", "category": "society",
                                                  "content": "夜间出行不安全。", "cosigners": w.cosigner.name})
    assert r.status_code == 200 and "附议委员须为本政协的委员。" in r.content.decode()
    client.force_login(w.staff)
    r = client.post(reverse("proposals:office-create"), {
        "proposer_kind": "member", "member_name": w.proposer.name, "title": "代为登记的提案", "category": "society",
        "content": "委员电话口述。", "cosigners": w.cosigner.name})
    assert r.status_code == 200 and "附议委员须为本政协的委员。" in r.content.decode()
    assert not Proposal.objects.exists()


def test_create_with_cosigners_in_one_call_from_api_and_office_page(client, w):
    r = _api(w.member_user).post("/api/v1/proposals/", {"title": "甲", "content": "内容", "cosigner_ids": [w.cosigner.pk]},
                                 format="json")
    assert r.status_code == 201 and [c["member"] for c in r.data["cosigners"]] == [w.cosigner.pk]
    assert r.data["member"] == w.proposer.pk and r.data["committee"] == w.committee.pk
    client.force_login(w.staff)
    r = client.post(reverse("proposals:office-create"), {
        "proposer_kind": "member", "member_name": w.proposer.name, "title": "乙", "category": "society",
        "content": "委员电话口述。", "cosigners": w.cosigner.name})
    p = Proposal.objects.get(title="乙")
    assert r.status_code == 302 and p.member == w.proposer and p.created_by == w.staff
    assert list(p.cosigners.values_list("member_id", flat=True)) == [w.cosigner.pk]


def test_member_cannot_draft_for_another_member(w):
    with pytest.raises(Forbidden):
        services.proposal_create_draft(member=w.cosigner, title="代别人起草", content="内容", by=w.member_user)
    r = _api(w.member_user).post("/api/v1/proposals/", {"title": "代别人起草", "content": "内容",
                                                        "member": w.cosigner.pk}, format="json")
    assert r.status_code == 404  # another member's record is outside a member's scope
    assert not Proposal.objects.exists()


def test_staff_of_another_committee_cannot_enter_a_proposal_here(w):
    other = f.proposal_world()
    with pytest.raises(Forbidden):
        services.proposal_create_draft(member=w.proposer, title="越权登记", content="内容", by=other.staff)
    assert not Proposal.objects.exists()


# --- approving a public comment: staff moderate, a view-only leader may not ----------------------------

@pytest.fixture
def comment(w):
    p = f.assigned(w)
    opening = services.proposal_open_public(proposal=p, by=w.staff, summary="建议优化公交线路。")
    c, _ = services.public_comment_submit(opening=opening, body="建议增加早晚班次。", idempotency_key=uuid.uuid4().hex)
    return c


def _pending(c) -> bool:
    return PublicComment.objects.get(pk=c.pk).status == PublicComment.Status.PENDING


def test_leader_cannot_approve_a_comment_through_the_service(w, comment):
    with pytest.raises(Forbidden, match="只有政协机关工作人员可以审核公众意见"):
        services.public_comment_moderate(comment=comment, by=w.leader, approve=True)
    assert _pending(comment)


def test_leader_cannot_approve_a_comment_on_the_page(client, w, comment):
    client.force_login(w.leader)
    r = client.post(reverse("proposals:comment-moderate", args=[comment.pk]), {"approve": "1"})
    assert r.status_code == 403 and _pending(comment)


def test_leader_cannot_approve_a_comment_through_the_api(w, comment):
    r = _api(w.leader).post(f"/api/v1/proposal-comments/{comment.pk}/moderate/", {"approve": True}, format="json")
    assert r.status_code == 403 and r.data["detail"] == "只有政协机关工作人员可以审核公众意见。"
    assert _pending(comment)


def test_leader_with_admin_view_rights_cannot_approve_a_comment_by_admin_action(client, w, comment):
    w.leader.is_staff = True
    w.leader.save(update_fields=["is_staff"])
    w.leader.user_permissions.add(*Permission.objects.filter(codename__in=["view_publiccomment", "view_proposal"]))
    client.force_login(w.leader)
    client.post(reverse("admin:proposals_publiccomment_changelist"),
                {"action": "approve_selected", "_selected_action": [comment.pk]})
    assert _pending(comment)


def test_staff_approve_through_service_page_api_and_admin_action_alike(client, w, comment):
    superuser = make_user("root-moderator", superuser=True)
    second, _ = services.public_comment_submit(opening=comment.opening, body="建议增设站点。",
                                               idempotency_key=uuid.uuid4().hex)
    third, _ = services.public_comment_submit(opening=comment.opening, body="建议延长末班车。",
                                              idempotency_key=uuid.uuid4().hex)
    client.force_login(w.staff)
    assert client.post(reverse("proposals:comment-moderate", args=[comment.pk]), {"approve": "1"}).status_code == 302
    assert _api(w.staff).post(f"/api/v1/proposal-comments/{second.pk}/moderate/", {"approve": True},
                              format="json").status_code == 200
    client.force_login(superuser)
    client.post(reverse("admin:proposals_publiccomment_changelist"),
                {"action": "approve_selected", "_selected_action": [third.pk]})
    assert set(PublicComment.objects.values_list("status", flat=True)) == {PublicComment.Status.APPROVED}


def test_unit_not_handling_the_proposal_cannot_reply(w, comment):
    services.public_comment_moderate(comment=comment, by=w.staff, approve=True)
    stranger = make_user("stranger-unit", "unit", unit=HandlingUnitFactory(committee=w.committee))
    with pytest.raises(Forbidden, match="只有承办单位可以回复公众意见"):
        services.public_comment_reply(comment=comment, by=stranger, reply="与我单位无关。")
    c = services.public_comment_reply(comment=comment, by=w.lead_user, reply="已纳入线路优化方案。")
    assert c.reply_unit_id == w.lead_unit.pk


def test_member_cannot_file_a_proposal_page_or_api(client, w):
    p = f.submitted(w)
    client.force_login(w.member_user)
    assert client.post(reverse("proposals:file", args=[p.pk])).status_code == 403
    assert _api(w.member_user).post(f"/api/v1/proposals/{p.pk}/file/", {}, format="json").status_code == 403
    assert Proposal.objects.get(pk=p.pk).status == Proposal.Status.SUBMITTED


def test_only_the_proposer_or_office_can_ask_for_rehandling(w):
    p = f.released(w)
    with pytest.raises(Forbidden, match="只有领衔委员或政协机关可以要求重新办理"):
        services.proposal_rehandle(proposal=p, by=w.lead_user)
    assert Proposal.objects.get(pk=p.pk).status == Proposal.Status.RELEASED
