"""Writes for opinion reports. Keyword-only and atomic; every status change goes through
``report_workflow.transition`` so pages, admin actions and the API behave the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from core.deadlines import compute_due
from core.errors import DomainError
from core.notifications import notify
from core.scoping import user_scope
from core.timeline import timeline_record
from members.services import points_credit

from . import rules, selectors
from .models import (
    Bulletin, CarryBack, Forwarding, LeaderInstruction, OpinionReport, Outcome, UnitFeedback,
)
from .workflow import report_workflow

S = OpinionReport.Status


# --- Recipients (opinions.selectors owns who is told) ---------------------------------------------------

committee_user_ids = selectors.committee_user_ids
unit_user_ids = selectors.unit_user_ids
recipients = selectors.report_recipients


def _member_ids(report) -> list[int]:
    return list(report.members.values_list("pk", flat=True))


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _locked(report: OpinionReport) -> OpinionReport:
    """The row, locked for the rest of the transaction (rules read its current state)."""
    return OpinionReport.objects.select_for_update().get(pk=report.pk)


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
    """A report comes in (带上来, or a record of words carried down) with everything decided: the
    low-level write other apps' conversions use (consultations, not-filed proposals). People
    reporting go through :func:`opinion_report_create`; a converting app checks its own rule (who
    may convert a consultation outcome or a not-filed proposal). Starts the registration clock."""
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
    notify(recipients(report, office=True), stage="opinion.received", title=f"新社情民意信息待登记：{report.title}",
           item=report, url=_url("opinions:detail", report.pk))
    return report


def _pks(items) -> list[int]:
    return [getattr(i, "pk", i) for i in items if i is not None and getattr(i, "pk", i) is not None]


@transaction.atomic
def opinion_report_create(*, by, title: str = "", content: str = "", category: str = "other",
                          direction: str = OpinionReport.Direction.UP, workstation=None, members: Iterable = (),
                          visit=None) -> OpinionReport:
    """A person reports (page, API, or one click on a reception visit): the one place that decides
    the reporters, the committee and the source from the user's scope and the inputs.

    - a member reports as themself, in their own committee (``members`` is ignored);
    - staff enter a report on behalf of members of their committee tree (``members``: Members or
      ids the user may see), in their own committee;
    - ``visit``: the report a reception visit becomes (title, text, reporters and source from it);
    - ``workstation`` (Workstation or id, visible to the user) marks it as from a workstation."""
    from members.models import Committee, Member
    from workstations.models import Workstation

    rules.require_submit(by)
    if visit is not None:
        from workstations import rules as workstation_rules
        from workstations.models import Visit

        from . import visits as visit_adapter

        data = visit_adapter.report_fields(visit, by=by)  # refuses a visit the user cannot see
        # Turning a visit into a report is handling it: the workstations app's one rule says who may.
        workstation_rules.require_handle_visit(by, visit, Visit.Outcome.OPINION)
        return opinion_report_submit(by=by, visit=visit, **data)
    s = user_scope(by)
    if s.member_id:
        reporters = list(Member.objects.select_related("committee").filter(pk=s.member_id))
        committee = reporters[0].committee
    else:
        wanted = _pks(members)
        reporters = list(Member.objects.visible_to(by).filter(pk__in=wanted, is_active=True))
        if len(reporters) != len(set(wanted)):
            raise DomainError("所选委员不存在或不属于本政协组织。", field="members")
        committee = Committee.objects.filter(pk=s.committee_id).first()
    if committee is None:
        raise DomainError("无法确定所属政协组织。", field="committee")
    ws = None
    if workstation is not None:
        ws = Workstation.objects.visible_to(by).filter(pk=getattr(workstation, "pk", workstation)).first()
        if ws is None:
            raise DomainError("委员工作室不存在。", field="workstation")
    return opinion_report_submit(
        committee=committee, title=title, content=content, category=category, direction=direction,
        workstation=ws, members=reporters, by=by,
        source=OpinionReport.Source.WORKSTATION if ws else OpinionReport.Source.MEMBER)


@transaction.atomic
def opinion_report_from_visit(*, visit, by) -> tuple[OpinionReport, bool]:
    """One click on a reception visit: the report it becomes (made once; a second click finds it)."""
    from workstations.models import Visit

    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    existing = OpinionReport.objects.filter(visit=visit).first()
    if existing is not None:
        return existing, False
    from . import visits as visit_adapter

    report = opinion_report_create(by=by, visit=visit)
    visit_adapter.mark_converted(visit, report=report, by=by)
    return report, True


# --- Registration and routing ------------------------------------------------------------------------
# Each service locks the row, asks ``rules`` who may act, and moves the caller's instance through
# ``report_workflow.transition`` (which re-syncs it): no separate "move allowed?" pre-check.

@transaction.atomic
def opinion_report_register(*, report: OpinionReport, by, category: str = "", title: str = "",
                            note: str = "") -> OpinionReport:
    locked = _locked(report)
    rules.require_manager(by, locked, "分类登记")
    if category and category not in dict(OpinionReport._meta.get_field("category").choices):
        raise DomainError("信息类别不正确。", field="category")
    report_workflow.check_move(locked, S.REGISTERED, from_states={S.RECEIVED})
    if title.strip():
        locked.title = title.strip()[:200]
        locked.save(update_fields=["title"])
    report_workflow.transition(report, S.REGISTERED, by=by, note=note, category=category)
    points_credit(member_ids=_member_ids(report), rule_code="opinion.submitted", source=report,
                  on=timezone.localdate())
    return report


@transaction.atomic
def opinion_report_reject(*, report: OpinionReport, by, note: str) -> OpinionReport:
    rules.require_manager(by, _locked(report), "作不予登记处理")
    report_workflow.transition(report, S.REJECTED, by=by, note=note, reason=note)
    notify(recipients(report, members=True), stage="opinion.rejected", title=f"您反映的信息未予登记：{report.title}",
           item=report, body=note, url=_url("opinions:detail", report.pk))
    return report


@transaction.atomic
def opinion_report_merge(*, report: OpinionReport, into: OpinionReport, by, note: str = "") -> OpinionReport:
    rules.require_manager(by, _locked(report), "合并信息")
    into_ok = OpinionReport.objects.filter(pk=getattr(into, "pk", None)).first()
    report_workflow.transition(report, S.MERGED, by=by, into=into_ok,
                               note=note or (f"合并至{into_ok.number or into_ok.title}" if into_ok else ""))
    into_ok.members.add(*report.members.all())
    return report


@transaction.atomic
def opinion_report_forward(*, report: OpinionReport, by, unit=None, upward: bool = False,
                           note: str = "") -> Forwarding:
    """转办: to a handling unit (feedback due by policy ``opinion.feedback``) or up to the parent
    committee. Earlier forwardings stop being active. A refused move rolls the forwarding back."""
    locked = _locked(report)
    rules.require_manager(by, locked, "报送上级政协" if upward else "转交承办单位")
    now = timezone.now()
    if upward:
        from members.models import Committee

        parent = Committee.objects.filter(children=locked.committee_id).first()
        if parent is None:
            raise DomainError("本政协组织没有上级政协，无法报送。", field="upward")
        fw = Forwarding(report=locked, kind=Forwarding.Kind.UPPER, to_committee=parent, forwarded_at=now, note=note)
        target, kwargs = S.FORWARDED_UP, {"to_committee": parent}
    else:
        if unit is None:
            raise DomainError("请选择承办单位。", field="unit")
        due = compute_due("opinion.feedback", now)
        fw = Forwarding(report=locked, kind=Forwarding.Kind.UNIT, unit=unit, forwarded_at=now, note=note,
                        due_at=due.at, due_explanation=due.explanation)
        target, kwargs = S.FORWARDED_UNIT, {"unit": unit}
    Forwarding.objects.filter(report=locked, is_active=True).update(is_active=False)
    fw.stamp(by)
    fw.save()
    label = f"转交{unit.name}" if unit else f"报送{fw.to_committee}"
    report_workflow.transition(report, target, by=by, note=note or label, forwarding=fw, reason=note,
                               data={"forwarding": fw.pk, "target": fw.target_label}, **kwargs)
    points_credit(member_ids=_member_ids(report), rule_code="opinion.adopted", source=report)
    if unit is not None:
        notify(recipients(report, unit_id=unit.pk), stage="opinion.forwarded",
               title=f"新交办社情民意信息：{report.title}", item=report, body=fw.due_explanation,
               url=_url("opinions:unit-detail", report.pk))
    notify(recipients(report, members=True), stage="opinion.forwarded.member",
           title=f"您反映的信息已{label}", item=report, url=_url("opinions:detail", report.pk))
    return fw


@transaction.atomic
def opinion_report_return(*, report: OpinionReport, by, note: str) -> OpinionReport:
    """The unit sends it back (不属于本单位职责); the office routes it again."""
    locked = _locked(report)
    rules.require_unit_or_manager(by, locked, "退回")
    report_workflow.check_move(locked, S.REGISTERED, from_states={S.FORWARDED_UNIT})
    report_workflow.transition(report, S.REGISTERED, by=by, note=note, reason=note)
    Forwarding.objects.filter(report=locked, is_active=True).update(is_active=False)
    notify(recipients(report, office=True), stage="opinion.returned", title=f"承办单位退回：{report.title}",
           item=report, body=note, url=_url("opinions:detail", report.pk))
    return report


@transaction.atomic
def opinion_report_feedback(*, report: OpinionReport, by, content: str, outcome: str, contact_name: str = "",
                            attachment=None) -> UnitFeedback:
    """The unit's answer (or, for reports sent up or into a bulletin, the reply the office records).
    Starts the carry-back clock for the member."""
    locked = _locked(report)
    if locked.status == S.FORWARDED_UNIT:
        rules.require_unit_or_manager(by, locked, "答复")
    else:
        rules.require_manager(by, locked, "登记上级政协或领导的反馈")
    fw = Forwarding.objects.filter(report=locked, is_active=True).first()
    now = timezone.now()
    fb = UnitFeedback(report=locked, forwarding=fw, unit_id=fw.unit_id if fw else None, content=content or "",
                      proposed_outcome=outcome or "", contact_name=contact_name, answered_at=now)
    if attachment:
        fb.attachment = attachment
    fb.stamp(by)
    # Transition first: its guard refuses wrong states and empty answers.
    report_workflow.transition(report, S.FED_BACK, by=by, note=(content or "")[:500], content=content,
                               outcome=outcome, now=now)
    fb.save()
    if fw is not None:
        Forwarding.objects.filter(pk=fw.pk).update(answered_at=now)
    notify(recipients(report, members=True), stage="opinion.fed_back",
           title=f"您反映的信息已有办理反馈：{report.title}", item=report, body=report.due_explanation,
           url=_url("opinions:detail", report.pk))
    return fb


@transaction.atomic
def opinion_report_carry_back(*, report: OpinionReport, by, method: str, satisfaction: str, member=None,
                              people_reached: int = 1, carried_on: dt.date | None = None,
                              member_rating: str = "", note: str = "") -> CarryBack:
    """带下去: the member tells the people the answer; their satisfaction and the member's own rating
    of the answer are kept. ``member`` (a Member or id) is whose carry-back staff record; a member
    records their own; left out, the first reporting member."""
    locked = _locked(report)
    rules.require_carry_back(by, locked)
    own = user_scope(by).member_id
    member_id = own or getattr(member, "pk", member)
    member = (locked.members.filter(pk=member_id).first() if member_id
              else locked.members.order_by("pk").first())
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
    if member is None or not locked.members.filter(pk=member.pk).exists():
        raise DomainError("只能由反映该信息的委员带下去。", field="member")
    cb = CarryBack(report=locked, member=member, carried_on=carried_on, method=method,
                   people_reached=int(people_reached), satisfaction=satisfaction, member_rating=member_rating,
                   note=note)
    cb.stamp(by)
    report_workflow.transition(
        report, S.CARRIED_BACK, by=by, carry_back=cb,
        note=f"{cb.get_method_display()}告知{cb.people_reached}人，群众{cb.get_satisfaction_display()}"
             + (f"；委员评价：{cb.get_member_rating_display()}" if member_rating else "") + (f"。{note}" if note else ""),
    )
    cb.save()
    points_credit(member_ids=[member.pk], rule_code="opinion.carried_back", source=report, on=carried_on)
    notify(recipients(report, office=True), stage="opinion.carried_back", title=f"委员已带下去，待办结：{report.title}",
           item=report, url=_url("opinions:detail", report.pk))
    return cb


@transaction.atomic
def opinion_report_close(*, report: OpinionReport, by, outcome: str, note: str = "") -> OpinionReport:
    rules.require_manager(by, _locked(report), "办结")
    report_workflow.transition(report, S.CLOSED, by=by, outcome=outcome,
                               note=note or f"办结：{Outcome(outcome).label if outcome in Outcome.values else ''}")
    return report


# --- Leader instructions -----------------------------------------------------------------------------

@transaction.atomic
def opinion_report_instruct(*, report: OpinionReport, by, text: str, leader_title: str = "",
                            instructed_on: dt.date | None = None, leader=None) -> LeaderInstruction:
    """领导批示. Leaders (read-only otherwise) write their own; office staff may record a leader's
    written instruction on the leader's behalf (``leader=``). Tracked until the office records action."""
    rules.require_instruct(by, report, leader)
    if leader is not None and leader != by:
        if not rules.is_leader(leader, report) or not getattr(leader, "is_authenticated", False):
            raise DomainError("所选人员不是本政协组织的领导。", field="leader")
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
    notify(recipients(report, office=True, members=True), stage="opinion.instructed", title=f"领导批示：{report.title}",
           item=report, body=ins.text, url=_url("opinions:detail", report.pk))
    return ins


@transaction.atomic
def leader_instruction_act(*, instruction: LeaderInstruction, by, note: str) -> LeaderInstruction:
    ins = LeaderInstruction.objects.select_for_update().select_related("report").get(pk=instruction.pk)
    rules.require_manager(by, ins.report, "登记批示落实情况")
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

    rules.require_compose_bulletin(by, committee)
    reports = list(reports)
    for report in reports:
        rules.require_manager(by, report, "编报专报")
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
        report_workflow.transition(report, S.IN_BULLETIN, by=by, bulletin=bulletin,
                                   note=f"编入{bulletin}", data={"bulletin": bulletin.pk})
        points_credit(member_ids=_member_ids(report), rule_code="opinion.adopted", source=report)
    return bulletin
