"""Writes for opinion reports. Keyword-only and atomic; every status change goes through
``report_workflow.transition`` so pages, admin actions and the API behave the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from core.deadlines import compute_due
from core.errors import DomainError
from core.notifications import notify
from core.scoping import Role
from core.timeline import timeline_record
from members.services import points_credit

from . import rules
from .models import (
    Bulletin, CarryBack, Forwarding, LeaderInstruction, OpinionReport, Outcome, UnitFeedback,
)
from .workflow import report_workflow, require_from

S = OpinionReport.Status


# --- Recipients ---------------------------------------------------------------------------------------

def committee_user_ids(committee_ids: Iterable[int], role: str) -> dict[int, list[int]]:
    """{committee_id: [user ids with ``role``]} for the given committees, in one query."""
    User = get_user_model()
    rows = User.objects.filter(is_active=True, groups__name=role,
                               portal_profile__committee_id__in=set(committee_ids)).values_list(
        "portal_profile__committee_id", "pk")
    out: dict[int, list[int]] = {}
    for cid, uid in rows:
        out.setdefault(cid, []).append(uid)
    return out


def unit_user_ids(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    User = get_user_model()
    out: dict[int, list[int]] = {}
    for unit_id, uid in User.objects.filter(is_active=True, portal_profile__handling_unit_id__in=set(unit_ids)) \
            .values_list("portal_profile__handling_unit_id", "pk"):
        out.setdefault(unit_id, []).append(uid)
    return out


def _member_user_ids(report) -> list[int]:
    return [u for u in report.members.values_list("user_id", flat=True) if u]


def _member_ids(report) -> list[int]:
    return list(report.members.values_list("pk", flat=True))


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _locked(report: OpinionReport) -> OpinionReport:
    return OpinionReport.objects.select_for_update().get(pk=report.pk)


def _sync(report: OpinionReport) -> OpinionReport:
    """Bring the caller's instance in step with the row (related caches included)."""
    report.refresh_from_db()
    return report


# --- Submission --------------------------------------------------------------------------------------

def _validate_text(title: str, content: str) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if not (content or "").strip():
        errors["content"] = "请填写反映的内容。"
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


@transaction.atomic
def opinion_report_submit(*, committee, title: str, content: str, by=None, members: Iterable = (),
                          category: str = "other", source: str = OpinionReport.Source.MEMBER,
                          direction: str = OpinionReport.Direction.UP, workstation=None, visit=None,
                          source_object=None, received_at: dt.datetime | None = None) -> OpinionReport:
    """A report comes in (带上来, or a record of words carried down). Starts the registration clock."""
    _validate_text(title, content)
    members = list(members)
    for m in members:
        if m.committee_id != committee.pk:
            raise DomainError(f"委员{m.name}不属于本政协组织。", field="members")
    if workstation is not None and getattr(workstation, "committee_id", committee.pk) != committee.pk:
        raise DomainError("委员工作室不属于本政协组织。", field="workstation")
    received_at = received_at or timezone.now()
    report = OpinionReport(committee=committee, title=title.strip()[:200], content=content.strip(),
                           category=category or "other", source=source, direction=direction,
                           workstation=workstation, visit=visit, received_at=received_at)
    if source_object is not None:
        report.source_content_type = ContentType.objects.get_for_model(source_object)
        report.source_object_id = source_object.pk
    due = compute_due("opinion.registration", received_at)
    report.due_at, report.due_stage, report.due_explanation = due.at, OpinionReport.DueStage.REGISTRATION, due.explanation
    report.stamp(by)
    report.save()
    if members:
        report.members.set(members)
    timeline_record(report, "opinions.report.received", by=by, to_state=S.RECEIVED,
                    note=f"来源：{report.get_source_display()}；{report.get_direction_display()}")
    staff = committee_user_ids([committee.pk], Role.STAFF).get(committee.pk, [])
    notify(staff, stage="opinion.received", title=f"新社情民意信息待登记：{report.title}", item=report,
           url=_url("opinions:detail", report.pk))
    return report


@transaction.atomic
def opinion_report_from_visit(*, visit, by) -> tuple[OpinionReport, bool]:
    """One click on a reception visit: the report it becomes (made once; a second click finds it)."""
    from workstations.models import Visit

    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    existing = OpinionReport.objects.filter(visit=visit).first()
    if existing is not None:
        return existing, False
    from . import visits as visit_adapter

    data = visit_adapter.report_fields(visit, by=by)
    report = opinion_report_submit(by=by, visit=visit, source=data.pop("source"), **data)
    visit_adapter.mark_converted(visit, report=report, by=by)
    return report, True


# --- Registration and routing ------------------------------------------------------------------------

@transaction.atomic
def opinion_report_register(*, report: OpinionReport, by, category: str = "", title: str = "",
                            note: str = "") -> OpinionReport:
    if category and category not in dict(OpinionReport._meta.get_field("category").choices):
        raise DomainError("信息类别不正确。", field="category")
    locked = _locked(report)
    require_from(locked, {S.RECEIVED}, S.REGISTERED)
    if title.strip():
        locked.title = title.strip()[:200]
        locked.save(update_fields=["title"])
    report_workflow.transition(locked, S.REGISTERED, by=by, note=note, category=category)
    points_credit(member_ids=_member_ids(locked), rule_code="opinion.submitted", source=locked,
                  on=timezone.localdate())
    return _sync(report)


@transaction.atomic
def opinion_report_reject(*, report: OpinionReport, by, note: str) -> OpinionReport:
    report_workflow.transition(_locked(report), S.REJECTED, by=by, note=note, reason=note)
    notify(_member_user_ids(report), stage="opinion.rejected", title=f"您反映的信息未予登记：{report.title}",
           item=report, body=note, url=_url("opinions:detail", report.pk))
    return _sync(report)


@transaction.atomic
def opinion_report_merge(*, report: OpinionReport, into: OpinionReport, by, note: str = "") -> OpinionReport:
    into_ok = OpinionReport.objects.filter(pk=getattr(into, "pk", None)).first()
    report_workflow.transition(_locked(report), S.MERGED, by=by, into=into_ok,
                               note=note or (f"合并至{into_ok.number or into_ok.title}" if into_ok else ""))
    if into_ok is not None:
        into_ok.members.add(*report.members.all())
    return _sync(report)


@transaction.atomic
def opinion_report_forward(*, report: OpinionReport, by, unit=None, upward: bool = False,
                           note: str = "") -> Forwarding:
    """转办: to a handling unit (feedback due by policy ``opinion.feedback``) or up to the parent
    committee. Earlier forwardings stop being active."""
    locked = _locked(report)
    now = timezone.now()
    Forwarding.objects.filter(report=locked, is_active=True).update(is_active=False)
    if upward:
        from members.models import Committee

        parent = Committee.objects.filter(children=locked.committee_id).first()
        fw = Forwarding(report=locked, kind=Forwarding.Kind.UPPER, to_committee=parent, forwarded_at=now, note=note)
        target = S.FORWARDED_UP
        kwargs = {"to_committee": parent}
    else:
        due = compute_due("opinion.feedback", now)
        fw = Forwarding(report=locked, kind=Forwarding.Kind.UNIT, unit=unit, forwarded_at=now, note=note,
                        due_at=due.at, due_explanation=due.explanation)
        target = S.FORWARDED_UNIT
        kwargs = {"unit": unit}
    # The guard decides first (so a refused move leaves no forwarding behind).
    guard = report_workflow.transitions.get(locked.status, {}).get(target)
    if guard is not None:
        refusal = guard(locked, by=by, reason=note, **kwargs)
        if refusal:
            raise DomainError(refusal, code="guard_failed")
    fw.stamp(by)
    fw.save()
    label = f"转交{unit.name}" if unit else f"报送{fw.to_committee}"
    report_workflow.transition(locked, target, by=by, note=note or label, forwarding=fw, reason=note,
                               data={"forwarding": fw.pk, "target": fw.target_label}, **kwargs)
    points_credit(member_ids=_member_ids(locked), rule_code="opinion.adopted", source=locked)
    if unit is not None:
        notify(unit_user_ids([unit.pk]).get(unit.pk, []), stage="opinion.forwarded",
               title=f"新交办社情民意信息：{locked.title}", item=locked, body=fw.due_explanation,
               url=_url("opinions:unit-detail", locked.pk))
    notify(_member_user_ids(locked), stage="opinion.forwarded.member",
           title=f"您反映的信息已{label}", item=locked, url=_url("opinions:detail", locked.pk))
    _sync(report)
    return fw


@transaction.atomic
def opinion_report_return(*, report: OpinionReport, by, note: str) -> OpinionReport:
    """The unit sends it back (不属于本单位职责); the office routes it again."""
    locked = _locked(report)
    require_from(locked, {S.FORWARDED_UNIT}, S.REGISTERED)
    report_workflow.transition(locked, S.REGISTERED, by=by, note=note, reason=note)
    Forwarding.objects.filter(report=locked, is_active=True).update(is_active=False)
    staff = committee_user_ids([locked.committee_id], Role.STAFF).get(locked.committee_id, [])
    notify(staff, stage="opinion.returned", title=f"承办单位退回：{locked.title}", item=locked, body=note,
           url=_url("opinions:detail", locked.pk))
    return _sync(report)


@transaction.atomic
def opinion_report_feedback(*, report: OpinionReport, by, content: str, outcome: str, contact_name: str = "",
                            attachment=None) -> UnitFeedback:
    """The unit's answer (or, for reports sent up or into a bulletin, the reply the office records).
    Starts the carry-back clock for the member."""
    locked = _locked(report)
    fw = Forwarding.objects.filter(report=locked, is_active=True).first()
    now = timezone.now()
    fb = UnitFeedback(report=locked, forwarding=fw, unit_id=fw.unit_id if fw else None, content=content or "",
                      proposed_outcome=outcome or "", contact_name=contact_name, answered_at=now)
    if attachment:
        fb.attachment = attachment
    fb.stamp(by)
    # Transition first: its guard refuses wrong states, wrong units and empty answers.
    report_workflow.transition(locked, S.FED_BACK, by=by, note=(content or "")[:500], content=content,
                               outcome=outcome, now=now)
    fb.save()
    if fw is not None:
        Forwarding.objects.filter(pk=fw.pk).update(answered_at=now)
    notify(_member_user_ids(locked), stage="opinion.fed_back", title=f"您反映的信息已有办理反馈：{locked.title}",
           item=locked, body=locked.due_explanation, url=_url("opinions:detail", locked.pk))
    _sync(report)
    return fb


@transaction.atomic
def opinion_report_carry_back(*, report: OpinionReport, by, member, method: str, satisfaction: str,
                              people_reached: int = 1, carried_on: dt.date | None = None,
                              member_rating: str = "", note: str = "") -> CarryBack:
    """带下去: the member tells the people the answer; their satisfaction and the member's own rating
    of the answer are kept."""
    errors = {}
    if method not in CarryBack.Method.values:
        errors["method"] = "请选择带下去的方式。"
    if satisfaction not in CarryBack.Satisfaction.values:
        errors["satisfaction"] = "请选择群众满意度。"
    if member_rating and member_rating not in CarryBack.Rating.values:
        errors["member_rating"] = "委员评价不正确。"
    if people_reached is None or int(people_reached) < 1:
        errors["people_reached"] = "告知人数至少为1。"
    carried_on = carried_on or timezone.localdate()
    if carried_on > timezone.localdate():
        errors["carried_on"] = "带话日期不能晚于今天。"
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    locked = _locked(report)
    if member is None or not locked.members.filter(pk=member.pk).exists():
        raise DomainError("只能由反映该信息的委员带下去。", field="member")
    cb = CarryBack(report=locked, member=member, carried_on=carried_on, method=method,
                   people_reached=int(people_reached), satisfaction=satisfaction, member_rating=member_rating,
                   note=note)
    cb.stamp(by)
    report_workflow.transition(
        locked, S.CARRIED_BACK, by=by, carry_back=cb,
        note=f"{cb.get_method_display()}告知{cb.people_reached}人，群众{cb.get_satisfaction_display()}"
             + (f"；委员评价：{cb.get_member_rating_display()}" if member_rating else "") + (f"。{note}" if note else ""),
    )
    cb.save()
    points_credit(member_ids=[member.pk], rule_code="opinion.carried_back", source=locked, on=carried_on)
    staff = committee_user_ids([locked.committee_id], Role.STAFF).get(locked.committee_id, [])
    notify(staff, stage="opinion.carried_back", title=f"委员已带下去，待办结：{locked.title}", item=locked,
           url=_url("opinions:detail", locked.pk))
    _sync(report)
    return cb


@transaction.atomic
def opinion_report_close(*, report: OpinionReport, by, outcome: str, note: str = "") -> OpinionReport:
    locked = _locked(report)
    report_workflow.transition(locked, S.CLOSED, by=by, outcome=outcome,
                               note=note or f"办结：{Outcome(outcome).label if outcome in Outcome.values else ''}")
    return _sync(report)


# --- Leader instructions -----------------------------------------------------------------------------

@transaction.atomic
def opinion_report_instruct(*, report: OpinionReport, by, text: str, leader_title: str = "",
                            instructed_on: dt.date | None = None, leader=None) -> LeaderInstruction:
    """领导批示. Leaders (read-only otherwise) write their own; office staff may record a leader's
    written instruction on the leader's behalf (``leader=``). Tracked until the office records action."""
    if leader is not None and leader != by:
        if not rules.is_manager(by, report):
            raise DomainError("只有政协机关工作人员可以代为登记领导批示。", code="guard_failed")
        if not rules.is_leader(leader, report) or not getattr(leader, "is_authenticated", False):
            raise DomainError("所选人员不是本政协组织的领导。", field="leader")
    elif not rules.is_leader(by, report):
        raise DomainError("只有领导可以作出批示。", code="guard_failed")
    else:
        leader = by
    if instructed_on and instructed_on > timezone.localdate():
        raise DomainError("批示日期不能晚于今天。", field="instructed_on")
    if not (text or "").strip():
        raise DomainError("请填写批示内容。", field="text")
    if report.status in (S.REJECTED, S.MERGED):
        raise DomainError("已作废或已合并的信息不能批示。", code="guard_failed")
    ins = LeaderInstruction(report=report, leader=leader, leader_title=leader_title, text=text.strip(),
                            instructed_on=instructed_on or timezone.localdate())
    ins.stamp(by)
    ins.save()
    timeline_record(report, "opinions.report.instructed", by=by, to_state="instructed",
                    note=f"领导批示：{ins.text}", data={"instruction": ins.pk})
    points_credit(member_ids=_member_ids(report), rule_code="opinion.instructed", source=ins,
                  on=ins.instructed_on)
    staff = committee_user_ids([report.committee_id], Role.STAFF).get(report.committee_id, [])
    notify(staff + _member_user_ids(report), stage="opinion.instructed", title=f"领导批示：{report.title}",
           item=report, body=ins.text, url=_url("opinions:detail", report.pk))
    return ins


@transaction.atomic
def leader_instruction_act(*, instruction: LeaderInstruction, by, note: str) -> LeaderInstruction:
    ins = LeaderInstruction.objects.select_for_update().select_related("report").get(pk=instruction.pk)
    if not rules.is_manager(by, ins.report):
        raise DomainError("只有政协机关工作人员可以登记批示落实情况。", code="guard_failed")
    if ins.status == LeaderInstruction.Status.ACTED:
        raise DomainError("该批示已登记落实。", code="invalid_transition")
    if not (note or "").strip():
        raise DomainError("请填写落实情况。", field="acted_note")
    ins.status, ins.acted_note, ins.acted_at = LeaderInstruction.Status.ACTED, note.strip(), timezone.now()
    ins.stamp(by)
    ins.save()
    timeline_record(ins.report, "opinions.report.instruction_acted", by=by, to_state="instruction_acted",
                    note=f"批示已落实：{ins.acted_note}")
    instruction.__dict__.update({k: v for k, v in ins.__dict__.items() if not k.startswith("_")})
    return ins


# --- Bulletins ---------------------------------------------------------------------------------------

@transaction.atomic
def bulletin_compose(*, committee, title: str, reports: Iterable[OpinionReport], by, sent_to: str = "",
                     editor_note: str = "", issued_on: dt.date | None = None) -> Bulletin:
    """编报: a new issue (期) numbered next in the committee's year, carrying the chosen reports."""
    from members.models import Committee

    reports = list(reports)
    if not (title or "").strip():
        raise DomainError("请填写专报标题。", field="title")
    if not reports:
        raise DomainError("请至少选择一条已登记的信息。", field="reports")
    issued_on = issued_on or timezone.localdate()
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    last = Bulletin.objects.filter(committee=committee, year=issued_on.year).aggregate(m=Max("number"))["m"] or 0
    bulletin = Bulletin(committee=committee, year=issued_on.year, number=last + 1, title=title.strip(),
                        issued_on=issued_on, sent_to=sent_to or "县委、县政府", editor_note=editor_note)
    bulletin.stamp(by)
    bulletin.save()
    for report in reports:
        locked = _locked(report)
        report_workflow.transition(locked, S.IN_BULLETIN, by=by, bulletin=bulletin,
                                   note=f"编入{bulletin}", data={"bulletin": bulletin.pk})
        points_credit(member_ids=_member_ids(locked), rule_code="opinion.adopted", source=locked)
    return bulletin
