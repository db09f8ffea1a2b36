"""The proposal lifecycle: one literal table of allowed moves, each with its guard.

    draft → cosigning (awaiting co-signers) → submitted → filed / not_filed (→ converted)
    filed → assigned → answered (lead and separate units' answers in) → countersigned (co-units 会签)
    → class_reviewed (office checks A/B/C) → released (member sees it) → evaluated
    evaluated → closed (satisfied, basically satisfied, or no re-handling left)
    evaluated → rehandling (unsatisfied) → answered → … (a new round)
    released → closed (evaluation overdue: recorded as not evaluated)

Pages, admin and API all go through ``proposal_workflow.transition`` (core.workflow.Workflow), the
only writer of ``Proposal.status``. Guards return a Chinese refusal or None.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from core.workflow import Workflow, always

from .models import Answer, Countersign, Evaluation, Proposal, ProposalCosigner, UnitAssignment

S = Proposal.Status


def _names(qs, path: str) -> str:
    return "、".join(qs.values_list(path, flat=True)[:10])


# --- guards ---------------------------------------------------------------------------------------

def has_cosigners(p: Proposal, **kw) -> str | None:
    if not p.cosigners.exists():
        return "请先邀请附议委员；个人提案可直接提交。"
    return None


def ready_to_submit(p: Proposal, **kw) -> str | None:
    if not p.title.strip() or not p.content.strip():
        return "案由和内容不能为空。"
    declined = p.cosigners.filter(status=ProposalCosigner.Status.DECLINED)
    if declined.exists():
        return f"附议委员{_names(declined, 'member__name')}已拒绝附议，请将其移除后再提交。"
    pending = p.cosigners.filter(status=ProposalCosigner.Status.PENDING)
    if pending.exists():
        return f"附议委员尚未全部确认（待确认：{_names(pending, 'member__name')}），暂不能提交。"
    return None


def has_reason(p: Proposal, reason: str = "", **kw) -> str | None:
    if not (reason or "").strip():
        return "不予立案须填写理由。"
    return None


def units_assigned(p: Proposal, **kw) -> str | None:
    current = UnitAssignment.objects.filter(proposal=p, round=p.round)
    if not current.filter(role__in=[UnitAssignment.Role.LEAD, UnitAssignment.Role.SEPARATE]).exists():
        return "请先确定主办单位（或分办单位）后再交办。"
    return None


def all_answered(p: Proposal, **kw) -> str | None:
    waiting = UnitAssignment.objects.filter(
        proposal=p, round=p.round, role__in=[UnitAssignment.Role.LEAD, UnitAssignment.Role.SEPARATE]
    ).exclude(answer__status=Answer.Status.SUBMITTED)
    if waiting.exists():
        return f"以下单位尚未提交答复：{_names(waiting, 'unit__name')}。"
    return None


def _countersign_refusal(p: Proposal) -> str | None:
    pending = Countersign.objects.filter(answer__proposal=p, answer__round=p.round,
                                         status=Countersign.Status.PENDING)
    if pending.exists():
        return f"会办单位尚未全部会签（待会签：{_names(pending, 'assignment__unit__name')}），不能继续。"
    return None


def all_countersigned(p: Proposal, **kw) -> str | None:
    return _countersign_refusal(p)


def classes_reviewed(p: Proposal, **kw) -> str | None:
    if Answer.objects.filter(proposal=p, round=p.round, status=Answer.Status.SUBMITTED,
                             class_reviewed_at__isnull=True).exists():
        return "办公室尚未审核答复的A/B/C分类。"
    return None


def can_release(p: Proposal, **kw) -> str | None:
    """Release needs every co-unit's countersign and the office's class review, in that order."""
    return _countersign_refusal(p) or classes_reviewed(p)


def has_evaluation(p: Proposal, **kw) -> str | None:
    if not Evaluation.objects.filter(proposal=p, round=p.round).exclude(
            result=Evaluation.Result.NOT_EVALUATED).exists():
        return "请先选择评价（满意/基本满意/不满意）。"
    return None


def evaluation_overdue(p: Proposal, **kw) -> str | None:
    if p.due_at and p.due_at >= timezone.now():
        return "评价期限尚未届满，不能按逾期未评价办结。"
    return None


def _rehandling_left(p: Proposal) -> bool:
    return p.round <= settings.PROPOSAL_MAX_REHANDLING_ROUNDS


def can_close_evaluated(p: Proposal, **kw) -> str | None:
    ev = Evaluation.objects.filter(proposal=p, round=p.round).first()
    if ev and ev.result == Evaluation.Result.UNSATISFIED and _rehandling_left(p):
        return "委员对答复不满意，应重新办理后再办结。"
    return None


def can_rehandle(p: Proposal, **kw) -> str | None:
    ev = Evaluation.objects.filter(proposal=p, round=p.round).first()
    if not ev or ev.result != Evaluation.Result.UNSATISFIED:
        return "只有委员评价为不满意的提案才能重新办理。"
    if not _rehandling_left(p):
        return "重新办理次数已达上限。"
    return None


TRANSITIONS = {
    S.DRAFT: {S.COSIGNING: has_cosigners, S.SUBMITTED: ready_to_submit},
    S.COSIGNING: {S.SUBMITTED: ready_to_submit, S.DRAFT: always},
    S.SUBMITTED: {S.FILED: always, S.NOT_FILED: has_reason},
    S.NOT_FILED: {S.CONVERTED: always},
    S.FILED: {S.ASSIGNED: units_assigned},
    S.ASSIGNED: {S.ANSWERED: all_answered},
    S.ANSWERED: {S.COUNTERSIGNED: all_countersigned, S.RELEASED: can_release},
    S.COUNTERSIGNED: {S.CLASS_REVIEWED: classes_reviewed, S.RELEASED: can_release},
    S.CLASS_REVIEWED: {S.RELEASED: can_release},
    S.RELEASED: {S.EVALUATED: has_evaluation, S.CLOSED: evaluation_overdue},
    S.EVALUATED: {S.CLOSED: can_close_evaluated, S.REHANDLING: can_rehandle},
    S.REHANDLING: {S.ANSWERED: all_answered},
    S.CONVERTED: {},
    S.CLOSED: {},
}


# --- what entering a state does (inside the transition's transaction) -----------------------------

def _set_due(p: Proposal, kw: dict) -> None:
    due = kw.get("due")
    p.due_at = due.at if due else None
    p.due_explanation = due.explanation if due else ""


def _enter_submitted(p, frm, to, by, kw):
    p.submitted_at = timezone.now()
    _set_due(p, kw)


def _enter_filed(p, frm, to, by, kw):
    from .services import proposal_next_number

    p.number = proposal_next_number(session_id=p.session_id)
    p.filed_at = timezone.now()
    _set_due(p, kw)


def _enter_assigned(p, frm, to, by, kw):
    p.assigned_at = timezone.now()
    _set_due(p, kw)


def _enter_rehandling(p, frm, to, by, kw):
    p.round += 1
    _set_due(p, kw)


def _enter_released(p, frm, to, by, kw):
    p.released_at = timezone.now()
    _set_due(p, kw)


def _enter_closed(p, frm, to, by, kw):
    p.closed_at = timezone.now()
    _set_due(p, {})


def _enter_with_due(p, frm, to, by, kw):
    _set_due(p, kw)


proposal_workflow = Workflow(
    model=Proposal,
    transitions=TRANSITIONS,
    code_prefix="proposals.proposal",
    on_enter={
        S.SUBMITTED: _enter_submitted,
        S.FILED: _enter_filed,
        S.NOT_FILED: _enter_with_due,
        S.CONVERTED: _enter_with_due,
        S.ASSIGNED: _enter_assigned,
        S.ANSWERED: _enter_with_due,
        S.COUNTERSIGNED: _enter_with_due,
        S.CLASS_REVIEWED: _enter_with_due,
        S.RELEASED: _enter_released,
        S.EVALUATED: _enter_with_due,
        S.REHANDLING: _enter_rehandling,
        S.CLOSED: _enter_closed,
        S.COSIGNING: _enter_with_due,
        S.DRAFT: _enter_with_due,
    },
)

STATUS_LABELS = dict(Proposal.Status.choices)
# Timeline entries that are events rather than status changes (``to_state`` holds the key).
EVENT_LABELS = {
    "cosign_invited": "邀请附议",
    "cosign_removed": "移除附议委员",
    "cosign_confirmed": "确认附议",
    "cosign_declined": "拒绝附议",
    "key": "列为重点提案",
    "answer_submitted": "承办单位提交答复",
    "countersign": "会办单位会签",
    "supervised": "领导督办",
    "public_opened": "公开征求意见",
    "public_closed": "停止征求意见",
}


def transition(proposal: Proposal, to: str, *, by=None, note: str = "", **kwargs) -> Proposal:
    return proposal_workflow.transition(proposal, to, by=by, note=note, **kwargs)
