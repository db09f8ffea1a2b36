"""The five-step loop as an explicit state machine — the one place that says how a consultation and
an outcome item move, and how a public comment is moderated. Pages, admin and API all go through
``consultation_workflow`` / ``outcome_workflow`` / ``comment_workflow`` (via services); nothing else
writes ``step`` or ``status``.

遴选议题 topic_selected → 组织调研 researching → 开展活动 held → 形成成果 outcomes (minutes)
→ 推动转化 converting (outcome items sent to units) → 回头看 follow_up → 已办结 closed / 再协商 reconsulted
"""

from __future__ import annotations

from django.utils import timezone

from core.deadlines import compute_due
from core.workflow import Workflow, always

from .models import Consultation, Outcome, TopicComment

S = Consultation.Step


# --- Guards: return a Chinese refusal, or None to allow --------------------------------------------

def _needs_lead(c: Consultation, **kw) -> str | None:
    if not (c.lead_member_id or c.chair_id):
        return "请先确定调研牵头委员（或主持委员），再开始组织调研。"
    return None


def _may_skip_research(c: Consultation, **kw) -> str | None:
    if not c.is_micro:
        return f"只有微协商可以跳过组织调研环节，“{c.get_format_display()}”须先组织调研。"
    return _session_ready(c, **kw)


def _session_ready(c: Consultation, **kw) -> str | None:
    if not c.chair_id:
        return "请先确定主持委员（委员主持），再开展协商活动。"
    return None


def _research_done(c: Consultation, **kw) -> str | None:
    if not c.research_tasks.exclude(findings="").exists():
        return "调研尚未形成调研发现，不能开展协商活动。请先登记调研发现。"
    return _session_ready(c, **kw)


def _has_minutes(c: Consultation, **kw) -> str | None:
    from .models import Minutes

    if not Minutes.objects.filter(consultation=c).exclude(body="").exists():
        return "尚未形成会议纪要，不能结束协商活动进入形成成果。"
    if not c.outcomes.exists():
        return "尚未形成任何协商成果事项，不能进入形成成果。"
    return None


def _has_assignable_outcome(c: Consultation, **kw) -> str | None:
    if not c.outcomes.filter(handling_unit__isnull=False).exists():
        return "至少要有一项成果事项指定了承办单位，才能交办成果。"
    return None


def _follow_up_scheduled(c: Consultation, **kw) -> str | None:
    if not c.follow_ups.filter(held_on__isnull=True).exists():
        return "尚未安排回头看，不能进入回头看环节。"
    return None


def _follow_up_held(c: Consultation, **kw) -> str | None:
    if c.follow_ups.filter(held_on__isnull=True).exists() or not c.follow_ups.exists():
        return "回头看尚未开展，不能办结。请先登记回头看走访情况。"
    return None


def _unsatisfied(c: Consultation, **kw) -> str | None:
    refusal = _follow_up_held(c)
    if refusal:
        return refusal.replace("不能办结", "不能发起再协商")
    last = c.follow_ups.order_by("-held_on", "-pk").first()
    if not last.unsatisfied:
        return "回头看中群众没有表示不满意，无需再协商，可直接办结。"
    return None


TRANSITIONS = {
    S.TOPIC_SELECTED: {S.RESEARCHING: _needs_lead, S.HELD: _may_skip_research},
    S.RESEARCHING: {S.HELD: _research_done},
    S.HELD: {S.OUTCOMES: _has_minutes},
    S.OUTCOMES: {S.CONVERTING: _has_assignable_outcome},
    S.CONVERTING: {S.FOLLOW_UP: _follow_up_scheduled},
    S.FOLLOW_UP: {S.CLOSED: _follow_up_held, S.RECONSULTED: _unsatisfied},
    S.CLOSED: {},
    S.RECONSULTED: {},
}


# --- Due dates on entering a waiting step ---------------------------------------------------------

def _enter_researching(c, frm, to, by, kw):
    c.due_at = c.research_due_at
    c.due_explanation = f"调研期限：{timezone.localtime(c.research_due_at):%Y-%m-%d}（遴选议题时确定）" if c.research_due_at else ""


def _enter_held(c, frm, to, by, kw):
    c.held_on = kw.get("held_on") or c.held_on or timezone.localdate()
    due = compute_due("consultation.minutes", c.held_on)
    c.due_at, c.due_explanation = due.at, due.explanation


def _enter_outcomes(c, frm, to, by, kw):
    c.due_at, c.due_explanation = None, ""


def _enter_converting(c, frm, to, by, kw):
    now = kw.get("now") or timezone.now()
    c.outcomes_sent_at = now
    due = compute_due("consultation.follow_up", now)
    c.follow_up_due_at = due.at
    c.due_at, c.due_explanation = due.at, f"回头看最迟安排：{due.explanation}"


def _enter_follow_up(c, frm, to, by, kw):
    visit = c.follow_ups.filter(held_on__isnull=True).first()
    c.due_at = visit.due_at if visit else None
    c.due_explanation = visit.due_explanation if visit else ""


def _enter_final(c, frm, to, by, kw):
    c.closed_at = timezone.now()
    c.due_at, c.due_explanation = None, ""


consultation_workflow = Workflow(
    model=Consultation,
    transitions=TRANSITIONS,
    code_prefix="consultations.consultation",
    field="step",
    on_enter={
        S.RESEARCHING: _enter_researching,
        S.HELD: _enter_held,
        S.OUTCOMES: _enter_outcomes,
        S.CONVERTING: _enter_converting,
        S.FOLLOW_UP: _enter_follow_up,
        S.CLOSED: _enter_final,
        S.RECONSULTED: _enter_final,
    },
)


# --- What each step allows (data, checked by predicates in rules.py) -------------------------------

ACTION_LABELS = {
    "edit": "修改活动信息",
    "participants": "登记参加人员",
    "research_task": "布置调研任务",
    "record_findings": "登记调研发现",
    "start_research": "开始组织调研",
    "hold_session": "开展协商活动",
    "minutes": "形成会议纪要",
    "outcome_add": "添加成果事项",
    "finish_session": "结束活动，形成成果",
    "send_outcomes": "交办成果",
    "outcome_convert": "成果转化为提案或社情民意信息",
    "schedule_follow_up": "安排回头看",
    "record_follow_up": "登记回头看",
    "close": "办结",
    "reconsult": "发起再协商",
}

STEP_ACTIONS: dict[str, frozenset[str]] = {
    S.TOPIC_SELECTED: frozenset({"edit", "participants", "research_task", "start_research", "hold_session"}),
    S.RESEARCHING: frozenset({"edit", "participants", "research_task", "record_findings", "hold_session"}),
    S.HELD: frozenset({"participants", "minutes", "outcome_add", "finish_session"}),
    S.OUTCOMES: frozenset({"minutes", "outcome_add", "send_outcomes"}),
    S.CONVERTING: frozenset({"outcome_add", "outcome_convert", "schedule_follow_up"}),
    S.FOLLOW_UP: frozenset({"outcome_convert", "record_follow_up", "close", "reconsult"}),
    S.CLOSED: frozenset({"outcome_convert"}),
    S.RECONSULTED: frozenset(),
}

# Actions that are a step change, and the step they lead to.
ACTION_TARGETS = {
    "start_research": S.RESEARCHING,
    "hold_session": S.HELD,
    "finish_session": S.OUTCOMES,
    "send_outcomes": S.CONVERTING,
    "close": S.CLOSED,
    "reconsult": S.RECONSULTED,
}


def step_allows(c: Consultation, action: str) -> bool:
    return action in STEP_ACTIONS.get(c.step, frozenset())


def action_refusal(c: Consultation, action: str) -> str | None:
    """Why ``action`` is not allowed at the consultation's current step (None when it is)."""
    if step_allows(c, action):
        return None
    label = ACTION_LABELS.get(action, action)
    return f"协商活动处于“{c.get_step_display()}”环节，不能{label}。"


# --- Outcome items --------------------------------------------------------------------------------

O = Outcome.Status


def _unit_set(o: Outcome, **kw) -> str | None:
    if not o.handling_unit_id:
        return "请先为成果事项指定承办单位。"
    return None


def _report_given(o: Outcome, **kw) -> str | None:
    if not (kw.get("report") or "").strip():
        return "请填写办理情况。"
    return None


OUTCOME_TRANSITIONS = {
    O.DRAFT: {O.ASSIGNED: _unit_set},
    O.ASSIGNED: {O.IN_PROGRESS: _report_given, O.DONE: _report_given, O.CANNOT: _report_given},
    O.IN_PROGRESS: {O.IN_PROGRESS: _report_given, O.DONE: _report_given, O.CANNOT: _report_given},
    O.DONE: {},
    O.CANNOT: {},
}


def _outcome_enter_assigned(o, frm, to, by, kw):
    now = kw.get("now") or timezone.now()
    due = compute_due("consultation.outcome", now)
    o.assigned_at, o.due_at, o.due_explanation = now, due.at, due.explanation


def _outcome_enter_report(o, frm, to, by, kw):
    o.report = kw["report"].strip()
    o.reported_at = timezone.now()


outcome_workflow = Workflow(
    model=Outcome,
    transitions=OUTCOME_TRANSITIONS,
    code_prefix="consultations.outcome",
    field="status",
    on_enter={
        O.ASSIGNED: _outcome_enter_assigned,
        O.IN_PROGRESS: _outcome_enter_report,
        O.DONE: _outcome_enter_report,
        O.CANNOT: _outcome_enter_report,
    },
)


# --- Public comments on online consultations (moderation) ----------------------------------------

C = TopicComment.Status


COMMENT_TRANSITIONS = {
    C.PENDING: {C.APPROVED: always, C.REJECTED: always},
    C.APPROVED: {},
    C.REJECTED: {},
}


def _comment_moderated(comment, frm, to, by, kw):
    comment.moderated_by = by if getattr(by, "is_authenticated", False) else None
    comment.moderated_at = timezone.now()


comment_workflow = Workflow(
    model=TopicComment,
    transitions=COMMENT_TRANSITIONS,
    code_prefix="consultations.comment",
    field="status",
    on_enter={C.APPROVED: _comment_moderated, C.REJECTED: _comment_moderated},
)
