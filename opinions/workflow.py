"""The opinion report workflow: the literal table of allowed moves, their guards (Chinese refusal
messages) and what entering each state sets (deadline, timestamps, number). Services call
``report_workflow.transition``; nothing else writes ``OpinionReport.status``."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from core.deadlines import compute_due
from core.workflow import Workflow

from .models import OpinionReport, Outcome

S = OpinionReport.Status
STATUS_LABELS = dict(S.choices)
# Timeline entries that are not status changes (instructions) get their own labels.
TIMELINE_LABELS = {**STATUS_LABELS, "instructed": "领导批示", "instruction_acted": "批示已落实"}


# --- Guards: return a Chinese refusal, or None to allow -------------------------------------------
# They receive the transition's keyword arguments; a required reason comes as ``reason=`` (the
# workflow keeps ``note`` for the timeline). Guards check state and inputs only: who may make a
# move is ``opinions.rules``, which the services call before transitioning.

def can_register(report, *, by=None, category: str = "", **kw):
    if not (category or report.category):
        return "请先选择信息类别再登记。"
    if not report.title.strip() or not report.content.strip():
        return "标题和内容不能为空。"
    return None


def can_reject(report, *, by=None, reason: str = "", **kw):
    if not (reason or "").strip():
        return "不予登记须填写理由。"
    return None


def can_merge(report, *, by=None, into=None, **kw):
    if into is None:
        return "请选择要合并到的信息。"
    if into.pk == report.pk:
        return "不能合并到自身。"
    if into.committee_id != report.committee_id:
        return "只能合并到本政协组织的信息。"
    if into.status in (S.REJECTED, S.MERGED):
        return "不能合并到已作废或已合并的信息。"
    return None


def can_forward_unit(report, *, by=None, unit=None, **kw):
    if report.direction != OpinionReport.Direction.UP:
        return "“带下去”的记录无需转办。"
    if unit is None:
        return "请选择承办单位。"
    if unit.committee_id != report.committee_id:
        return "该承办单位不属于本政协组织。"
    if not unit.is_active:
        return "该承办单位已停用。"
    return None


def can_forward_up(report, *, by=None, to_committee=None, **kw):
    if report.direction != OpinionReport.Direction.UP:
        return "“带下去”的记录无需报送。"
    if to_committee is None:
        return "本政协组织没有上级政协，无法报送。"
    return None


def can_put_in_bulletin(report, *, by=None, bulletin=None, **kw):
    if bulletin is None:
        return "请选择专报期号。"
    if bulletin.committee_id != report.committee_id:
        return "专报与信息不属于同一政协组织。"
    return None


def can_answer(report, *, by=None, content: str = "", outcome: str = "", **kw):
    if not (content or "").strip():
        return "请填写办理情况。"
    if outcome not in Outcome.values:
        return "请选择办理结果。"
    return None


def can_record_reply(report, *, by=None, content: str = "", outcome: str = "", **kw):
    if not (content or "").strip():
        return "请填写反馈内容。"
    if outcome not in Outcome.values:
        return "请选择办理结果。"
    return None


def unit_can_return(report, *, by=None, reason: str = "", **kw):
    if not (reason or "").strip():
        return "退回须说明理由（如：不属于本单位职责）。"
    return None


def can_rehandle(report, *, by=None, unit=None, reason: str = "", **kw):
    refusal = can_forward_unit(report, by=by, unit=unit)
    if refusal:
        return refusal
    if not (reason or "").strip():
        return "重新办理须说明理由。"
    return None


def can_carry_back(report, *, by=None, carry_back=None, **kw):
    if carry_back is None:
        return "请填写带下去的情况。"
    return None


def can_carry_down_directly(report, *, by=None, carry_back=None, **kw):
    if report.direction != OpinionReport.Direction.DOWN:
        return "该信息须先转办并收到反馈，才能带下去。"
    return can_carry_back(report, by=by, carry_back=carry_back)


def can_close(report, *, by=None, outcome: str = "", **kw):
    if outcome not in Outcome.values:
        return "请选择办理结果（已解决、正在办理、暂无法办理）。"
    return None


# --- The table -------------------------------------------------------------------------------------

TRANSITIONS = {
    S.RECEIVED: {
        S.REGISTERED: can_register,
        S.REJECTED: can_reject,
        S.MERGED: can_merge,
    },
    S.REGISTERED: {
        S.FORWARDED_UNIT: can_forward_unit,
        S.FORWARDED_UP: can_forward_up,
        S.IN_BULLETIN: can_put_in_bulletin,
        S.CARRIED_BACK: can_carry_down_directly,
        S.REJECTED: can_reject,
        S.MERGED: can_merge,
    },
    S.FORWARDED_UNIT: {
        S.FED_BACK: can_answer,
        S.REGISTERED: unit_can_return,
    },
    S.FORWARDED_UP: {
        S.FED_BACK: can_record_reply,
    },
    S.IN_BULLETIN: {
        S.FORWARDED_UNIT: can_forward_unit,
        S.FED_BACK: can_record_reply,
    },
    S.FED_BACK: {
        S.CARRIED_BACK: can_carry_back,
        S.FORWARDED_UNIT: can_rehandle,
    },
    S.CARRIED_BACK: {
        S.CLOSED: can_close,
    },
    S.CLOSED: {},
    S.REJECTED: {},
    S.MERGED: {},
}


# --- What entering a state sets ---------------------------------------------------------------------

def _clear_due(report: OpinionReport) -> None:
    report.due_at = None
    report.due_stage = ""
    report.due_explanation = ""


def _set_due(report: OpinionReport, code: str, stage: str, base) -> None:
    due = compute_due(code, base)
    report.due_at, report.due_stage, report.due_explanation = due.at, stage, due.explanation


def _enter_registered(report: OpinionReport, from_state, to, by, kw) -> None:
    now = kw.get("now") or timezone.now()
    if report.registration_seq is None:
        from members.models import Committee

        # Lock the committee row so that numbers are handed out one at a time, without gaps.
        Committee.objects.select_for_update().filter(pk=report.committee_id).first()
        year = timezone.localtime(now).year
        last = OpinionReport.objects.filter(committee_id=report.committee_id, registration_year=year).aggregate(
            m=Max("registration_seq"))["m"] or 0
        report.registration_year, report.registration_seq = year, last + 1
        report.number = f"社情〔{year}〕{last + 1:04d}号"
    report.registered_at = report.registered_at or now
    if kw.get("category"):
        report.category = kw["category"]
    report.unit = None
    _clear_due(report)


def _enter_forwarded_unit(report: OpinionReport, from_state, to, by, kw) -> None:
    forwarding = kw["forwarding"]
    report.forwarded_at = forwarding.forwarded_at
    report.adopted_at = report.adopted_at or forwarding.forwarded_at
    report.unit_id = forwarding.unit_id
    report.due_at, report.due_stage = forwarding.due_at, OpinionReport.DueStage.FEEDBACK
    report.due_explanation = forwarding.due_explanation


def _enter_forwarded_up(report: OpinionReport, from_state, to, by, kw) -> None:
    forwarding = kw["forwarding"]
    report.forwarded_at = forwarding.forwarded_at
    report.adopted_at = report.adopted_at or forwarding.forwarded_at
    report.unit = None
    _clear_due(report)


def _enter_in_bulletin(report: OpinionReport, from_state, to, by, kw) -> None:
    now = kw.get("now") or timezone.now()
    report.bulletin = kw["bulletin"]
    report.adopted_at = report.adopted_at or now
    _clear_due(report)


def _enter_fed_back(report: OpinionReport, from_state, to, by, kw) -> None:
    now = kw.get("now") or timezone.now()
    report.fed_back_at = now
    report.outcome = kw.get("outcome") or report.outcome
    _set_due(report, "opinion.carry_back", OpinionReport.DueStage.CARRY_BACK, now)


def _enter_carried_back(report: OpinionReport, from_state, to, by, kw) -> None:
    report.carried_back_at = kw.get("now") or timezone.now()
    _clear_due(report)


def _enter_closed(report: OpinionReport, from_state, to, by, kw) -> None:
    report.closed_at = kw.get("now") or timezone.now()
    report.outcome = kw["outcome"]
    _clear_due(report)


def _enter_merged(report: OpinionReport, from_state, to, by, kw) -> None:
    report.merged_into = kw["into"]
    _clear_due(report)


def _enter_rejected(report: OpinionReport, from_state, to, by, kw) -> None:
    _clear_due(report)


report_workflow = Workflow(
    model=OpinionReport,
    transitions=TRANSITIONS,
    code_prefix="opinions.report",
    on_enter={
        S.REGISTERED: _enter_registered,
        S.FORWARDED_UNIT: _enter_forwarded_unit,
        S.FORWARDED_UP: _enter_forwarded_up,
        S.IN_BULLETIN: _enter_in_bulletin,
        S.FED_BACK: _enter_fed_back,
        S.CARRIED_BACK: _enter_carried_back,
        S.CLOSED: _enter_closed,
        S.MERGED: _enter_merged,
        S.REJECTED: _enter_rejected,
    },
)

