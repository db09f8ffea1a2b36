"""The proposal lifecycle through the services: guards, numbering, rounds, points, timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.timeline import timeline_for
from members.models import PointEntry
from proposals import services
from proposals.models import Answer, Countersign, Evaluation, Proposal, UnitAssignment
from proposals.workflow import TRANSITIONS
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db
S = Proposal.Status


@pytest.fixture
def w():
    return f.proposal_world()


def test_joint_proposal_runs_from_draft_to_closed_with_every_step_on_the_timeline(w):
    p = f.draft(w, cosign=True)
    services.proposal_invite(proposal=p, by=w.member_user)
    services.proposal_cosign_respond(cosigner=p.cosigners.get(), accept=True, by=w.cosigner_user)
    p = services.proposal_submit(proposal=p, by=w.member_user)
    p = services.proposal_file(proposal=p, by=w.staff)
    assert p.number == 1 and p.number_label == "十届二次会议第0001号"
    p = services.proposal_assign(proposal=p, by=w.staff, lead_unit=w.lead_unit, co_units=[w.co_unit])
    services.answer_save(assignment=p.assignments.get(role="lead"), by=w.lead_user, content="已办理。",
                         answer_class="B", submit=True)
    p.refresh_from_db()
    assert p.status == S.ANSWERED
    services.countersign_confirm(countersign=Countersign.objects.get(answer__proposal=p), by=w.co_user)
    p.refresh_from_db()
    assert p.status == S.COUNTERSIGNED
    p = services.answer_review_class(proposal=p, by=w.staff, classes={Answer.objects.get(proposal=p).pk: "A"})
    assert Answer.objects.get(proposal=p).final_class == "A"
    p = services.proposal_release(proposal=p, by=w.staff)
    p = services.proposal_evaluate(proposal=p, by=w.member_user, result="satisfied")
    assert p.status == S.CLOSED and p.closed_at is not None and p.due_at is None
    states = [e.to_state for e in timeline_for(p) if e.code.startswith("proposals.proposal.") and e.from_state]
    assert states == ["cosigning", "submitted", "filed", "assigned", "answered", "countersigned", "class_reviewed",
                      "released", "evaluated", "closed"]
    codes = {e.code for e in timeline_for(p)}
    assert {"proposals.cosigner.confirmed", "proposals.answer.submitted", "proposals.answer.countersigned"} <= codes
    rules = set(PointEntry.objects.filter(member=w.proposer).values_list("rule__code", flat=True))
    assert rules == {"proposal.filed", "proposal.satisfied"}


def test_cannot_submit_until_every_cosigner_confirmed(w):
    p = f.draft(w, cosign=True)
    with pytest.raises(DomainError) as exc:
        services.proposal_submit(proposal=p, by=w.member_user)
    assert "附议委员尚未全部确认" in exc.value.message and w.cosigner.name in exc.value.message
    services.proposal_invite(proposal=p, by=w.member_user)
    with pytest.raises(DomainError):
        services.proposal_submit(proposal=p, by=w.member_user)
    assert Proposal.objects.get(pk=p.pk).status == S.COSIGNING


def test_a_declined_cosigner_must_be_removed_before_submitting(w):
    p = f.draft(w, cosign=True)
    services.proposal_invite(proposal=p, by=w.member_user)
    services.proposal_cosign_respond(cosigner=p.cosigners.get(), accept=False, by=w.cosigner_user)
    with pytest.raises(DomainError) as exc:
        services.proposal_submit(proposal=p, by=w.member_user)
    assert "已拒绝附议" in exc.value.message
    services.proposal_cosigner_remove(cosigner=p.cosigners.get(), by=w.member_user)
    assert services.proposal_submit(proposal=p, by=w.member_user).status == S.SUBMITTED


def test_only_the_invited_member_confirms_a_cosignature(w):
    p = f.draft(w, cosign=True)
    services.proposal_invite(proposal=p, by=w.member_user)
    with pytest.raises(DomainError) as exc:
        services.proposal_cosign_respond(cosigner=p.cosigners.get(), accept=True, by=w.member_user)
    assert "被邀请的委员本人" in exc.value.message


def test_cannot_release_before_all_co_units_countersigned(w):
    p = f.answered(w)
    with pytest.raises(DomainError) as exc:
        services.proposal_release(proposal=p, by=w.staff)
    assert "会办单位尚未全部会签" in exc.value.message and w.co_unit.name in exc.value.message


def test_cannot_release_before_the_office_reviewed_the_class(w):
    p = f.answered(w)
    services.countersign_confirm(countersign=Countersign.objects.get(answer__proposal=p), by=w.co_user)
    with pytest.raises(DomainError) as exc:
        services.proposal_release(proposal=p, by=w.staff)
    assert exc.value.message == "办公室尚未审核答复的A/B/C分类。"


def test_without_co_units_the_answer_goes_straight_to_class_review(w):
    p = f.answered(w, co=False)
    assert p.status == S.COUNTERSIGNED
    assert p.due_at is not None and "办公室审核答复分类" in p.due_explanation


def test_disallowed_transition_is_refused_with_a_chinese_message(w):
    p = f.submitted(w)
    with pytest.raises(DomainError) as exc:
        services.proposal_evaluate(proposal=p, by=w.member_user, result="satisfied")
    assert exc.value.message == "不允许从“已提交待审查”变更为“已评价”。"
    with pytest.raises(DomainError) as exc:
        services.proposal_assign(proposal=p, by=w.staff, lead_unit=w.lead_unit)
    assert "不允许从“已提交待审查”变更为“已交办”" in exc.value.message


def test_not_filing_needs_a_reason_and_gets_no_number(w):
    p = f.submitted(w)
    with pytest.raises(DomainError) as exc:
        services.proposal_not_file(proposal=p, reason=" ", by=w.staff)
    assert exc.value.message == "不予立案须填写理由。"
    p = services.proposal_not_file(proposal=p, reason="属于个人诉求，不符合立案标准。", by=w.staff)
    assert p.status == S.NOT_FILED and p.number is None
    assert p.review.reason.startswith("属于个人诉求")


def test_not_filed_proposal_converts_into_an_opinion_report(w):
    from opinions.models import OpinionReport

    p = f.submitted(w)
    p = services.proposal_not_file(proposal=p, reason="建议以社情民意信息反映。", by=w.staff, convert=True)
    assert p.status == S.CONVERTED
    report = p.review.converted_to
    assert isinstance(report, OpinionReport) and report.title == p.title


def test_numbers_are_consecutive_within_a_session_and_restart_in_the_next(w):
    numbers = [f.filed(w, title=f"提案{i}").number for i in range(3)]
    assert numbers == [1, 2, 3]
    # A not-filed proposal takes no number: no gaps.
    services.proposal_not_file(proposal=f.submitted(w, title="不立案"), reason="不符合", by=w.staff)
    assert f.filed(w, title="提案4").number == 4
    nxt = f.make_session(w.committee, number=3, name="十届三次会议")
    p = services.proposal_create_draft(member=w.proposer, title="新会议提案", content="内容", session=nxt,
                                       by=w.member_user)
    p = services.proposal_file(proposal=services.proposal_submit(proposal=p, by=w.member_user), by=w.staff)
    assert p.number == 1 and p.number_label == "十届三次会议第0001号"
    # The new session is now the current one for new drafts.
    assert f.filed(w, title="提案5").number_label == "十届三次会议第0002号"


def test_unsatisfied_answer_is_handled_again_by_the_same_units_once(w):
    p = f.released(w)
    with pytest.raises(DomainError) as exc:
        services.proposal_evaluate(proposal=p, by=w.member_user, result="unsatisfied", comment="")
    assert "不满意的原因" in exc.value.message
    p = services.proposal_evaluate(proposal=p, by=w.member_user, result="unsatisfied", comment="班次仍不足")
    assert p.status == S.REHANDLING and p.round == 2
    second = UnitAssignment.objects.filter(proposal=p, round=2)
    assert {(a.unit_id, a.role) for a in second} == {(w.lead_unit.pk, "lead"), (w.co_unit.pk, "co")}
    services.answer_save(assignment=second.get(role="lead"), by=w.lead_user, content="再次增开。", answer_class="A",
                         submit=True)
    services.countersign_confirm(countersign=Countersign.objects.get(answer__round=2, answer__proposal=p), by=w.co_user)
    p = services.answer_review_class(proposal=Proposal.objects.get(pk=p.pk), by=w.staff)
    p = services.proposal_release(proposal=p, by=w.staff)
    p = services.proposal_evaluate(proposal=p, by=w.member_user, result="unsatisfied", comment="仍不满意")
    assert p.status == S.CLOSED  # one re-handling round (settings.PROPOSAL_MAX_REHANDLING_ROUNDS)
    assert list(Evaluation.objects.filter(proposal=p).values_list("result", flat=True)) == ["unsatisfied"] * 2


def test_key_proposal_has_its_own_answer_deadline_points_and_supervision(w):
    p = f.filed(w)
    p = services.proposal_mark_key(proposal=p, leader=w.leader, answer_days=45, by=w.staff)
    p = services.proposal_assign(proposal=p, by=w.staff, lead_unit=w.lead_unit)
    a = p.assignments.get()
    assert timezone.localtime(a.due_at).date() == timezone.localdate() + dt.timedelta(days=45)
    assert PointEntry.objects.filter(member=w.proposer, rule__code="proposal.key").count() == 1
    r = services.supervision_record_add(proposal=p, by=w.leader, content="实地查看公交站点", method="site")
    assert r.leader == w.leader
    other_leader = f.make_user("other-leader", "leader", committee=w.committee)
    with pytest.raises(DomainError):
        services.supervision_record_add(proposal=p, by=other_leader, content="x")


def test_key_proposal_needs_a_leader_account(w):
    p = f.filed(w)
    with pytest.raises(DomainError) as exc:
        services.proposal_mark_key(proposal=p, leader=w.staff, by=w.staff)
    assert exc.value.field == "supervising_leader"


def test_deadlines_follow_the_policies(w):
    p = f.submitted(w)
    today = timezone.localdate()
    assert timezone.localtime(p.due_at).date() == today + dt.timedelta(days=15)
    p = services.proposal_assign(proposal=services.proposal_file(proposal=p, by=w.staff), by=w.staff,
                                 lead_unit=w.lead_unit)
    assert timezone.localtime(p.due_at).date() == today + dt.timedelta(days=90)
    assert "承办单位答复提案" in p.assignments.get().due_explanation


def test_evaluation_due_30_days_after_release(w):
    p = f.released(w)
    assert timezone.localtime(p.due_at).date() == timezone.localdate() + dt.timedelta(days=30)


def test_a_unit_cannot_answer_for_another_unit_and_co_units_do_not_answer(w):
    p = f.assigned(w)
    lead = p.assignments.get(role="lead")
    with pytest.raises(DomainError) as exc:
        services.answer_save(assignment=lead, by=w.co_user, content="x", answer_class="A", submit=True)
    assert "只有承办该提案的单位" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.answer_save(assignment=p.assignments.get(role="co"), by=w.co_user, content="x", answer_class="A")
    assert "会办单位无需单独答复" in exc.value.message


def test_separate_units_each_answer_before_the_proposal_counts_as_answered(w):
    p = services.proposal_assign(proposal=f.filed(w), by=w.staff, separate_units=[w.lead_unit, w.co_unit])
    services.answer_save(assignment=p.assignments.get(unit=w.lead_unit), by=w.lead_user, content="分办一",
                         answer_class="B", submit=True)
    assert Proposal.objects.get(pk=p.pk).status == S.ASSIGNED
    services.answer_save(assignment=p.assignments.get(unit=w.co_unit), by=w.co_user, content="分办二",
                         answer_class="C", submit=True)
    assert Proposal.objects.get(pk=p.pk).status == S.COUNTERSIGNED


def test_only_office_staff_file_proposals(w):
    p = f.submitted(w)
    with pytest.raises(DomainError):
        services.proposal_file(proposal=p, by=w.member_user)
    with pytest.raises(DomainError):
        services.proposal_file(proposal=p, by=w.leader)


def test_transition_table_names_every_status():
    assert set(TRANSITIONS) == set(S.values)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(S.values)


def test_draft_from_a_source_keeps_a_generic_link(w):
    source = w.lead_unit  # any model instance stands in for a consultation outcome or a visit
    p = services.proposal_draft_from_source(source=source, member=w.proposer, title="来自协商成果",
                                            body="内容", by=w.staff)
    assert p.source == source and p.status == S.DRAFT
    with pytest.raises(DomainError):
        services.proposal_draft_from_source(source=source, member=None, title="x", body="y")
