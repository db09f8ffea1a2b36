"""Writes for consultations: keyword-only, atomic, and the one place the rules are enforced. Each
service first asks ``rules`` who may (Forbidden, 403) and what the current step allows
(``workflow.STEP_ACTIONS``); every status change goes through ``workflow`` (which writes the
timeline and keeps the caller's instance in step)."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.deadlines import compute_due, end_of_day
from core.errors import DomainError
from core.notifications import notify
from core.outbox import outbox_enqueue
from core.ratelimit import cache_rate_check
from core.timeline import timeline_record
from members.models import HandlingUnit, Member
from members.services import points_credit

from . import rules
from .models import (
    Consultation, DutyMenu, FollowUpVisit, MenuClaim, Minutes, Outcome, Participant, ResearchTask, Topic,
    TopicComment,
)
# Who is told about what: one function per item type in selectors, shared with the sweeps.
from .selectors import organiser_user_ids, outcome_unit_user_ids
from .workflow import comment_workflow, consultation_workflow, outcome_workflow

log = logging.getLogger(__name__)
S = Consultation.Step


def consultation_url(c) -> str:
    return reverse("consultations:detail", args=[c.pk])


def _check_action(c: Consultation, action: str, by) -> None:
    """Who may (rules, 403) and whether the current step allows it (workflow data, 400)."""
    rules.require_action(by, c, action)


def _lock(c: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=c.pk)


# --- Topics ---------------------------------------------------------------------------------------

@transaction.atomic
def topic_create(*, committee, title: str, by=None, description: str = "", source: str = Topic.Source.OFFICE,
                 proposer_member: Member | None = None, proposer_unit: HandlingUnit | None = None,
                 proposer_text: str = "", menu: DutyMenu | None = None, solicitation_opens_on: dt.date | None = None,
                 solicitation_closes_on: dt.date | None = None) -> Topic:
    if menu is not None:
        rules.require_manage_menu(by, committee.pk)
    else:
        rules.require_create_topic(by, committee)
    if not (title or "").strip():
        raise DomainError("请填写议题。", field="title")
    if proposer_member and proposer_member.committee_id != committee.pk:
        raise DomainError("提出委员不属于本政协组织。", field="proposer_member")
    if proposer_unit and proposer_unit.committee_id != committee.pk:
        raise DomainError("出题单位不属于本政协组织。", field="proposer_unit")
    if menu and menu.committee_id != committee.pk:
        raise DomainError("履职菜单不属于本政协组织。", field="menu")
    if solicitation_opens_on and solicitation_closes_on and solicitation_closes_on < solicitation_opens_on:
        raise DomainError("公开征集截止日期不能早于开始日期。", field="solicitation_closes_on")
    topic = Topic(committee=committee, title=title.strip(), description=description, source=source,
                  proposer_member=proposer_member, proposer_unit=proposer_unit, proposer_text=proposer_text,
                  menu=menu, solicitation_opens_on=solicitation_opens_on, solicitation_closes_on=solicitation_closes_on)
    topic.stamp(by)
    topic.save()
    timeline_record(topic, "consultations.topic.created", by=by, note=topic.get_source_display())
    return topic


# --- Consultations --------------------------------------------------------------------------------

@transaction.atomic
def consultation_create(*, topic: Topic, title: str, format: str, by=None, level: str = Consultation.Level.TOWNSHIP,
                        chair: Member | None = None, lead_member: Member | None = None,
                        organiser: str = Consultation.Organiser.OFFICE, organiser_workstation=None,
                        venue_workstation=None, venue_township=None, venue_community=None, venue_text: str = "",
                        scheduled_on: dt.date | None = None, research_due_on: dt.date | None = None,
                        parent: Consultation | None = None, now: dt.datetime | None = None) -> Consultation:
    """遴选议题: the topic is selected and the consultation planned; the research deadline is set now."""
    committee = topic.committee
    rules.require_create(by, committee, organiser_workstation if organiser == Consultation.Organiser.WORKSTATION
                         else None)
    errors = {}
    if format not in Consultation.Format.values:
        errors["format"] = "请选择协商形式。"
    for field, m in (("chair", chair), ("lead_member", lead_member)):
        if m is not None and m.committee_id != committee.pk:
            errors[field] = f"{m.name}不是本政协组织的委员。"
    for field, obj in (("venue_township", venue_township), ("venue_workstation", venue_workstation),
                       ("organiser_workstation", organiser_workstation)):
        if obj is not None and obj.committee_id != committee.pk:
            errors[field] = f"“{obj}”不属于本政协组织。"
    if venue_community is not None and venue_township is not None and venue_community.township_id != venue_township.pk:
        errors["venue_community"] = f"“{venue_community.name}”不属于“{venue_township.name}”。"
    if organiser == Consultation.Organiser.WORKSTATION and organiser_workstation is None:
        errors["organiser_workstation"] = "由委员工作室组织时，请选择工作室。"
    if not (title or "").strip():
        errors["title"] = "请填写活动名称。"
    now = now or timezone.now()
    if research_due_on and research_due_on < timezone.localdate(now):
        errors["research_due_on"] = "调研截止日期不能早于今天。"
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)
    if research_due_on:
        research_due_at = end_of_day(research_due_on)
        explanation = f"调研期限：{research_due_on:%Y-%m-%d}（遴选议题时确定）"
    else:
        due = compute_due("consultation.research", now)
        research_due_at, explanation = due.at, due.explanation
    c = Consultation(
        committee=committee, topic=topic, title=title.strip(), format=format, level=level, chair=chair,
        lead_member=lead_member, organiser=organiser,
        organiser_workstation=organiser_workstation if organiser == Consultation.Organiser.WORKSTATION else None,
        venue_workstation=venue_workstation, venue_township=venue_township, venue_community=venue_community,
        venue_text=venue_text, scheduled_on=scheduled_on, research_due_at=research_due_at, due_at=research_due_at,
        due_explanation=explanation, parent=parent, round=(parent.round + 1) if parent else 1,
    )
    c.stamp(by)
    c.save()
    timeline_record(c, "consultations.consultation.topic_selected", by=by, to_state=S.TOPIC_SELECTED,
                    note=f"议题：{topic.title}（{topic.get_source_display()}）")
    if chair is not None:
        Participant.objects.create(consultation=c, kind=Participant.Kind.MEMBER, member=chair, created_by=c.created_by,
                                   updated_by=c.created_by)
    return c


TOPIC_FIELD_NAMES = {"title": "topic_title", "description": "topic_description"}


@transaction.atomic
def consultation_create_with_topic(*, committee, topic_fields: dict, by=None, **consultation_fields) -> Consultation:
    """遴选议题 in one go: the topic and the consultation that takes it up (both or neither)."""
    try:
        topic = topic_create(committee=committee, by=by, **topic_fields)
    except DomainError as exc:
        exc.field = TOPIC_FIELD_NAMES.get(exc.field, exc.field)
        raise
    return consultation_create(topic=topic, by=by, **consultation_fields)


EDITABLE_FIELDS = ("title", "level", "chair", "lead_member", "venue_workstation", "venue_township",
                   "venue_community", "venue_text", "scheduled_on")


@transaction.atomic
def consultation_update(*, consultation: Consultation, by=None, **fields) -> Consultation:
    c = _lock(consultation)
    _check_action(c, "edit", by)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise DomainError(f"不能修改字段“{name}”。")
        if name in ("chair", "lead_member") and value is not None and value.committee_id != c.committee_id:
            raise DomainError(f"{value.name}不是本政协组织的委员。", field=name)
        setattr(c, name, value)
    c.stamp(by)
    c.save()
    if c.chair_id:
        Participant.objects.get_or_create(consultation=c, member=c.chair,
                                          defaults={"kind": Participant.Kind.MEMBER})
    timeline_record(c, "consultations.consultation.edited", by=by, note="修改活动信息")
    if consultation is not c:
        consultation.refresh_from_db()  # the caller's instance in step (Django's own re-read)
    return c


@transaction.atomic
def participant_add(*, consultation: Consultation, kind: str, by=None, member: Member | None = None,
                    unit: HandlingUnit | None = None, name: str = "", organisation: str = "") -> Participant:
    c = _lock(consultation)
    _check_action(c, "participants", by)
    if kind == Participant.Kind.MEMBER:
        if member is None:
            raise DomainError("请选择参加的委员。", field="member")
        if member.committee_id != c.committee_id:
            raise DomainError(f"{member.name}不是本政协组织的委员。", field="member")
        if Participant.objects.filter(consultation=c, member=member).exists():
            raise DomainError(f"{member.name}已在参加人员名单中。", field="member")
    else:
        member = None
        if kind == Participant.Kind.UNIT and unit is not None and unit.committee_id != c.committee_id:
            raise DomainError("单位不属于本政协组织。", field="unit")
        if not (name or "").strip():
            raise DomainError("请填写参加人员姓名。", field="name")
    p = Participant(consultation=c, kind=kind, member=member, unit=unit if kind == Participant.Kind.UNIT else None,
                    name=(name or "").strip(), organisation=organisation or (unit.name if unit else ""))
    p.stamp(by)
    p.save()
    if member is not None and c.step in (S.HELD,):
        points_credit(member_ids=[member.pk], rule_code="consultation.participate", source=c, on=c.held_on)
    return p


@transaction.atomic
def research_task_add(*, consultation: Consultation, title: str, by=None, lead: Member | None = None) -> ResearchTask:
    c = _lock(consultation)
    _check_action(c, "research_task", by)
    if not (title or "").strip():
        raise DomainError("请填写调研内容。", field="title")
    if lead is not None and lead.committee_id != c.committee_id:
        raise DomainError(f"{lead.name}不是本政协组织的委员。", field="lead")
    task = ResearchTask(consultation=c, title=title.strip(), lead=lead)
    task.stamp(by)
    task.save()
    timeline_record(c, "consultations.research.task_added", by=by, note=f"调研任务：{task.title}")
    return task


@transaction.atomic
def research_findings_record(*, task: ResearchTask, findings: str, by=None) -> ResearchTask:
    c = _lock(task.consultation)
    _check_action(c, "record_findings", by)
    if not (findings or "").strip():
        raise DomainError("请填写调研发现。", field="findings")
    task.findings = findings.strip()
    task.completed_at = timezone.now()
    task.stamp(by)
    task.save()
    timeline_record(c, "consultations.research.findings", by=by, note=f"{task.title}：{task.findings[:200]}")
    return task


@transaction.atomic
def consultation_start_research(*, consultation: Consultation, by=None, note: str = "") -> Consultation:
    _check_action(consultation, "start_research", by)
    return consultation_workflow.transition(consultation, S.RESEARCHING, by=by, note=note)


def _credit_session(c: Consultation) -> None:
    if c.chair_id:
        points_credit(member_ids=[c.chair_id], rule_code="consultation.chair", source=c, on=c.held_on)
    ids = [m for m in c.participants.filter(member__isnull=False).exclude(member_id=c.chair_id)
           .values_list("member_id", flat=True)]
    if ids:
        points_credit(member_ids=ids, rule_code="consultation.participate", source=c, on=c.held_on)


@transaction.atomic
def consultation_hold_session(*, consultation: Consultation, by=None, held_on: dt.date | None = None,
                              note: str = "") -> Consultation:
    """开展活动: the session took place (the chair and member participants earn points)."""
    _check_action(consultation, "hold_session", by)
    if held_on and held_on > timezone.localdate():
        raise DomainError("召开日期不能晚于今天。", field="held_on")
    c = consultation_workflow.transition(consultation, S.HELD, by=by, note=note, held_on=held_on)
    _credit_session(c)
    return c


@transaction.atomic
def minutes_record(*, consultation: Consultation, body: str, by=None, consensus: str = "",
                   attendance: int = 0) -> Minutes:
    c = _lock(consultation)
    _check_action(c, "minutes", by)
    if not (body or "").strip():
        raise DomainError("请填写会议纪要内容。", field="body")
    minutes = Minutes.objects.filter(consultation=c).first() or Minutes(consultation=c)
    minutes.body, minutes.consensus, minutes.attendance = body.strip(), consensus or "", attendance or 0
    minutes.stamp(by)
    minutes.save()
    timeline_record(c, "consultations.minutes.recorded", by=by, note="形成会议纪要")
    return minutes


@transaction.atomic
def outcome_add(*, consultation: Consultation, text: str, by=None, handling_unit: HandlingUnit | None = None,
                now: dt.datetime | None = None) -> Outcome:
    """A consensus item from the session; in the conversion step it is sent to its unit at once."""
    c = _lock(consultation)
    _check_action(c, "outcome_add", by)
    if not (text or "").strip():
        raise DomainError("请填写成果事项。", field="text")
    if handling_unit is not None and handling_unit.committee_id != c.committee_id:
        raise DomainError("承办单位不属于本政协组织。", field="handling_unit")
    if c.step == S.CONVERTING and handling_unit is None:
        raise DomainError("成果已交办，新增成果事项须指定承办单位。", field="handling_unit")
    o = Outcome(consultation=c, text=text.strip(), handling_unit=handling_unit)
    o.stamp(by)
    o.save()
    timeline_record(c, "consultations.outcome.added", by=by, note=o.text[:200])
    if c.step == S.CONVERTING:
        outcome_workflow.transition(o, Outcome.Status.ASSIGNED, by=by, now=now)
        _notify_units_assigned(c, [o])
    return o


@transaction.atomic
def consultation_finish_session(*, consultation: Consultation, by=None, note: str = "") -> Consultation:
    """形成成果: the session is closed with its minutes and outcome items."""
    _check_action(consultation, "finish_session", by)
    c = consultation_workflow.transition(consultation, S.OUTCOMES, by=by, note=note)
    _credit_session(c)
    return c


def _notify_units_assigned(c: Consultation, outcomes: list[Outcome]) -> None:
    users = outcome_unit_user_ids(outcomes)
    url = reverse("consultations:unit-outcomes")
    for o in outcomes:
        notify(users[o.pk], stage="consultation.outcome.assigned", item=o, url=url,
               title=f"协商成果交办：{c.title}", body=f"{o.text}\n{o.due_explanation}")


@transaction.atomic
def consultation_send_outcomes(*, consultation: Consultation, by=None, note: str = "",
                               now: dt.datetime | None = None) -> Consultation:
    """推动转化: every outcome item with a unit is sent (60-day deadline); the follow-up visit is due
    90 days from now unless all items are reported done earlier."""
    _check_action(consultation, "send_outcomes", by)
    c = consultation_workflow.transition(consultation, S.CONVERTING, by=by, note=note, now=now)
    sent = []
    for o in c.outcomes.filter(status=Outcome.Status.DRAFT, handling_unit__isnull=False).order_by("pk"):
        sent.append(outcome_workflow.transition(o, Outcome.Status.ASSIGNED, by=by, now=now))
    _notify_units_assigned(c, sent)
    return c


@transaction.atomic
def outcome_report(*, outcome: Outcome, result: str, report: str, by=None) -> Outcome:
    """The unit's report on one item: in progress, done, or cannot be handled (with reasons)."""
    rules.require_report_outcome(by, outcome)
    if result not in (Outcome.Status.IN_PROGRESS, Outcome.Status.DONE, Outcome.Status.CANNOT):
        raise DomainError("请选择办理结果。", field="result")
    c = outcome.consultation
    if c.step not in (S.CONVERTING, S.FOLLOW_UP):
        raise DomainError(f"协商活动处于“{c.get_step_display()}”环节，不能报告成果办理情况。", code="invalid_transition")
    o = outcome_workflow.transition(outcome, result, by=by, report=report, note=(report or "")[:500])
    if result in Outcome.FINAL and not c.outcomes.filter(status__in=Outcome.OPEN).exists():
        # All items answered: the follow-up visit is scheduled (once) by a task after commit; the
        # sweep does the same if the broker is away.
        outbox_enqueue("consultations.schedule_follow_up", c.pk, key=f"consultations.follow_up.all_done:{c.pk}")
    organisers = organiser_user_ids([c])[c.pk]
    notify(organisers, stage=f"consultation.outcome.{result}", item=o, url=consultation_url(c),
           title=f"承办单位报告成果办理情况：{c.title}", body=o.report[:500])
    return o


@transaction.atomic
def follow_up_schedule(*, consultation: Consultation, trigger: str = FollowUpVisit.Trigger.MANUAL,
                       scheduled_on: dt.date | None = None, by=None, now: dt.datetime | None = None
                       ) -> FollowUpVisit | None:
    """Schedule the follow-up visit (回头看). Automatic triggers call it with ``trigger``; it returns
    None when the consultation is no longer waiting for one, so repeated calls schedule it once."""
    c = _lock(consultation)
    if trigger == FollowUpVisit.Trigger.MANUAL:
        _check_action(c, "schedule_follow_up", by)
    elif c.step != S.CONVERTING:
        return None
    if c.follow_ups.filter(held_on__isnull=True).exists():
        if trigger == FollowUpVisit.Trigger.MANUAL:
            raise DomainError("已安排回头看，不能重复安排。")
        return None
    now = now or timezone.now()
    if scheduled_on:
        if scheduled_on < timezone.localdate(now):
            raise DomainError("回头看日期不能早于今天。", field="scheduled_on")
        due_at, explanation = end_of_day(scheduled_on), f"组织方安排于{scheduled_on:%Y-%m-%d}开展回头看"
    else:
        due = compute_due("consultation.follow_up_visit", now)
        scheduled_on, due_at, explanation = due.on, due.at, due.explanation
    try:
        with transaction.atomic():
            visit = FollowUpVisit.objects.create(consultation=c, trigger=trigger, scheduled_on=scheduled_on,
                                                 due_at=due_at, due_explanation=explanation,
                                                 created_by=by if getattr(by, "is_authenticated", False) else None)
    except IntegrityError:  # another worker scheduled it a moment ago
        return None
    # Through the caller's instance: the workflow keeps it in step with the row (its one re-sync).
    consultation_workflow.transition(consultation, S.FOLLOW_UP, by=by,
                                     note=f"{visit.get_trigger_display()}：{explanation}")
    notify(organiser_user_ids([c])[c.pk], stage="consultation.follow_up.scheduled", item=visit,
           url=consultation_url(c), title=f"请开展回头看：{c.title}", body=explanation)
    return visit


@transaction.atomic
def follow_up_record(*, consultation: Consultation, held_on: dt.date, findings: str, satisfied: int,
                     basically_satisfied: int, unsatisfied: int, by=None, members=()) -> FollowUpVisit:
    """Record the visit: what was found and how many people were satisfied."""
    c = _lock(consultation)
    rules.require_manage(by, c, "登记回头看")
    visit = c.follow_ups.filter(held_on__isnull=True).first()
    if visit is None:
        raise DomainError("回头看尚未安排，不能登记走访情况。", code="invalid_transition")
    _check_action(c, "record_follow_up", by)
    if held_on is None or held_on > timezone.localdate():
        raise DomainError("走访日期不能晚于今天。", field="held_on")
    counts = (satisfied, basically_satisfied, unsatisfied)
    if any(n is None or n < 0 for n in counts) or sum(counts) == 0:
        raise DomainError("请填写满意、基本满意、不满意的人数（至少一人）。", field="satisfied")
    if not (findings or "").strip():
        raise DomainError("请填写走访情况。", field="findings")
    members = list(members)
    for m in members:
        if m.committee_id != c.committee_id:
            raise DomainError(f"{m.name}不是本政协组织的委员。", field="members")
    visit.held_on, visit.findings = held_on, findings.strip()
    visit.satisfied, visit.basically_satisfied, visit.unsatisfied = counts
    visit.stamp(by)
    visit.save()
    visit.members.set(members)
    timeline_record(c, "consultations.follow_up.recorded", by=by,
                    note=f"回头看：满意{satisfied}人，基本满意{basically_satisfied}人，不满意{unsatisfied}人",
                    data={"satisfied": satisfied, "basically_satisfied": basically_satisfied,
                          "unsatisfied": unsatisfied})
    if members:
        points_credit(member_ids=[m.pk for m in members], rule_code="consultation.follow_up", source=visit, on=held_on)
    return visit


@transaction.atomic
def consultation_close(*, consultation: Consultation, by=None, note: str = "") -> Consultation:
    _check_action(consultation, "close", by)
    return consultation_workflow.transition(consultation, S.CLOSED, by=by, note=note)


@transaction.atomic
def consultation_reconsult(*, consultation: Consultation, by=None, note: str = "") -> Consultation:
    """再协商: people are not satisfied; this round ends and a new linked round starts at topic selection."""
    _check_action(consultation, "reconsult", by)
    c = consultation_workflow.transition(consultation, S.RECONSULTED, by=by, note=note)
    title = re.sub(r"（第\d+轮）$", "", c.title)
    child = consultation_create(
        topic=c.topic, title=f"{title}（第{c.round + 1}轮）", format=c.format, level=c.level, chair=c.chair,
        lead_member=c.lead_member, organiser=c.organiser, organiser_workstation=c.organiser_workstation,
        venue_workstation=c.venue_workstation, venue_township=c.venue_township, venue_community=c.venue_community,
        venue_text=c.venue_text, parent=c, by=by,
    )
    timeline_record(c, "consultations.consultation.next_round", by=by, note=f"再协商：{child.title}",
                    data={"child": child.pk})
    return child


# --- Conversion into a proposal draft or an opinion report ---------------------------------------

def _convert_to_proposal(outcome: Outcome, member: Member | None, by):
    from proposals import services as proposal_services

    c = outcome.consultation
    title = f"关于{c.topic.title}的提案"[:200]
    body = f"{outcome.text}\n\n（来源：{c.get_format_display()}“{c.title}”协商成果）"
    fn = getattr(proposal_services, "proposal_draft_from_source", None) or getattr(
        proposal_services, "proposal_create_from_source", None)
    if fn is None:
        raise DomainError("提案模块暂未提供从协商成果生成提案草稿的服务。", code="unavailable")
    return fn(source=outcome, committee=c.committee, member=member, title=title, body=body, by=by)


def _convert_to_opinion(outcome: Outcome, member: Member | None, by):
    from opinions import services as opinion_services

    c = outcome.consultation
    title = f"{c.topic.title}"[:200]
    body = f"{outcome.text}\n\n（来源：{c.get_format_display()}“{c.title}”协商成果）"
    fn = getattr(opinion_services, "opinion_report_create_from_source", None) or getattr(
        opinion_services, "opinion_report_from_source", None)
    if fn is not None:
        return fn(source=outcome, committee=c.committee, member=member, title=title, body=body, by=by)
    # The opinions app takes any record as the generic source of a report.
    from opinions.models import OpinionReport

    return opinion_services.opinion_report_submit(
        committee=c.committee, title=title, content=body, by=by, members=[member] if member else [],
        source=OpinionReport.Source.CONSULTATION, source_object=outcome)


@transaction.atomic
def outcome_convert(*, outcome: Outcome, kind: str, by=None, member: Member | None = None) -> Outcome:
    """Turn an outcome item into a proposal draft or an opinion report (their apps' services create
    the item with a generic link back to the outcome); the link is kept on the outcome."""
    c = _lock(outcome.consultation)
    _check_action(c, "outcome_convert", by)
    o = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if o.converted_object_id:
        raise DomainError(f"该成果事项已转化为{o.get_converted_kind_display()}。")
    member = member or c.chair
    if kind == Outcome.ConvertedKind.PROPOSAL:
        item = _convert_to_proposal(o, member, by)
    elif kind == Outcome.ConvertedKind.OPINION:
        item = _convert_to_opinion(o, member, by)
    else:
        raise DomainError("请选择转化为提案或社情民意信息。", field="kind")
    o.converted_kind = kind
    o.converted_content_type = ContentType.objects.get_for_model(item)
    o.converted_object_id = item.pk
    o.stamp(by)
    o.save()
    timeline_record(c, "consultations.outcome.converted", by=by,
                    note=f"成果事项转化为{o.get_converted_kind_display()}：{o.text[:100]}")
    if outcome is not o:
        outcome.refresh_from_db()  # the caller's instance in step (Django's own re-read)
    return o


# --- Public comments on online consultations ------------------------------------------------------

COMMENT_RATE_SCOPE = "consultations:comment"


@transaction.atomic
def comment_submit(*, consultation: Consultation, body: str, key: str, author_name: str = "",
                   author_phone: str = "", client: str = "") -> TopicComment:
    """A public comment, held for moderation. The idempotency key makes a double tap one comment.
    ``client`` is ``core.clientid.client_hash(request, COMMENT_RATE_SCOPE)``: at most
    CONSULTATION_COMMENT_RATE comments per client (a cache counter that lets comments through when
    the cache is down — they are held for moderation anyway)."""
    if not consultation.is_online:
        raise DomainError("该协商活动不公开征集意见。")
    existing = TopicComment.objects.filter(idempotency_key=key).first() if key else None
    if existing:
        return existing
    if client:
        cache_rate_check(COMMENT_RATE_SCOPE, client, settings.CONSULTATION_COMMENT_RATE, what="条意见")
    topic = consultation.topic
    if not topic.solicitation_open():
        raise DomainError("本议题当前不在公开征集期内。")
    body = (body or "").strip()
    if len(body) < 5:
        raise DomainError("请至少填写5个字的意见建议。", field="body")
    from core.utils import is_valid_phone

    if author_phone and not is_valid_phone(author_phone):
        raise DomainError("手机号码格式不正确。", field="author_phone")
    comment = TopicComment.objects.create(topic=topic, body=body[:2000], author_name=(author_name or "")[:40],
                                          author_phone=author_phone or "", idempotency_key=key[:64])
    return comment


@transaction.atomic
def comment_moderate(*, comment: TopicComment, approve: bool, by=None) -> TopicComment:
    """Approve (publish) or reject a public comment; the workflow refuses one already moderated."""
    rules.require_moderate(by, comment.topic)
    to = TopicComment.Status.APPROVED if approve else TopicComment.Status.REJECTED
    return comment_workflow.transition(comment, to, by=by)


# --- Menu of duties (菜单式履职) -------------------------------------------------------------------

def menu_quota(member: Member) -> int:
    """Standing-committee members and party members (中共党员, 民主党派) claim at least two topics."""
    return 2 if (member.is_standing or member.party in (Member.Party.CPC, Member.Party.DEMOCRATIC)) else 1


@transaction.atomic
def menu_create(*, committee, year: int, title: str = "", by=None, claim_closes_on: dt.date | None = None) -> DutyMenu:
    rules.require_manage_menu(by, committee.pk)
    if DutyMenu.objects.filter(committee=committee, year=year).exists():
        raise DomainError(f"{year}年度履职菜单已存在。", field="year")
    menu = DutyMenu(committee=committee, year=year, title=title or f"{year}年度委员履职菜单",
                    claim_closes_on=claim_closes_on)
    menu.stamp(by)
    menu.save()
    return menu


@transaction.atomic
def menu_publish(*, menu: DutyMenu, by=None) -> DutyMenu:
    rules.require_manage_menu(by, menu.committee_id)
    if not menu.topics.exists():
        raise DomainError("履职菜单中还没有议题，不能发布。")
    if menu.is_published:
        raise DomainError("履职菜单已发布。")
    menu.is_published, menu.published_at = True, timezone.now()
    menu.stamp(by)
    menu.save()
    timeline_record(menu, "consultations.menu.published", by=by, note=menu.title)
    return menu


@transaction.atomic
def menu_claim(*, topic: Topic, member: Member, by=None) -> MenuClaim:
    rules.require_claim(by, member)
    menu = topic.menu
    if menu is None or not menu.is_published:
        raise DomainError("该议题不在已发布的履职菜单中。")
    if member.committee_id != menu.committee_id:
        raise DomainError("只能认领本政协组织的履职菜单。")
    if menu.claim_closes_on and timezone.localdate() > menu.claim_closes_on:
        raise DomainError(f"履职菜单认领已于{menu.claim_closes_on:%Y-%m-%d}截止。")
    if MenuClaim.objects.filter(topic=topic, member=member).exists():
        raise DomainError("您已认领该议题。")
    claim = MenuClaim(topic=topic, member=member)
    claim.stamp(by)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        raise DomainError("您已认领该议题。") from exc
    points_credit(member_ids=[member.pk], rule_code="menu.claimed", source=claim)
    return claim


@transaction.atomic
def menu_unclaim(*, claim: MenuClaim, by=None) -> None:
    rules.require_unclaim(by, claim)
    menu = claim.topic.menu
    if menu and menu.claim_closes_on and timezone.localdate() > menu.claim_closes_on:
        raise DomainError("认领已截止，不能取消。")
    from members.models import PointEntry

    PointEntry.objects.filter(content_type=ContentType.objects.get_for_model(MenuClaim), object_id=claim.pk).delete()
    claim.delete()

