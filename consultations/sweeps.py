"""Deadline sweeps for consultations (SPEC section 3). Each finds its items with one query, builds
the notifications for all of them and inserts them with ``notify_rows`` (unique per recipient, item,
stage and day). Reminder and escalation rows carry the item's due date as their day, so an item is
reminded once and escalates once, however often the sweep runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.notifications import notification_rows, notify_rows
from core.scoping import Role
from core.sweeps import sweep

from .models import Consultation, FollowUpVisit, Outcome
from .services import consultation_url, organiser_user_ids, staff_user_ids, unit_user_ids

S = Consultation.Step


def _days(kind: str) -> int:
    return settings.CONSULTATION_REMINDER_DAYS.get(kind, 7)


def _due_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


@sweep("consultations.research", group="frequent")
def research_deadlines(now: dt.datetime | None = None) -> int:
    """Research phase: the lead member 7 days before; overdue → the committee office."""
    now = now or timezone.now()
    qs = (Consultation.objects.filter(step__in=[S.TOPIC_SELECTED, S.RESEARCHING], research_due_at__isnull=False)
          .filter(research_due_at__lt=now + dt.timedelta(days=_days("research")))
          .select_related("lead_member", "chair").only(
              "pk", "title", "committee_id", "research_due_at", "lead_member__user_id", "chair__user_id"))
    items = list(qs)
    overdue = [c for c in items if c.research_due_at < now]
    staff = staff_user_ids(c.committee_id for c in overdue)
    rows = []
    for c in items:
        day = _due_day(c.research_due_at)
        if c.research_due_at >= now:
            lead = c.lead_member or c.chair
            rows += notification_rows([lead.user_id] if lead else [], stage="consultation.research.due_soon", item=c,
                                      day=day, url=consultation_url(c),
                                      title=f"协商调研将于{day:%m月%d日}截止：{c.title}")
        else:
            rows += notification_rows(staff.get(c.committee_id, ()), stage="consultation.research.overdue", item=c,
                                      day=day, url=consultation_url(c), title=f"协商调研已逾期：{c.title}")
    return notify_rows(rows)


@sweep("consultations.minutes", group="frequent")
def minutes_deadlines(now: dt.datetime | None = None) -> int:
    """Minutes: the organiser before the due day; overdue → the committee office."""
    now = now or timezone.now()
    items = list(Consultation.objects.filter(step=S.HELD, due_at__lt=now + dt.timedelta(days=_days("minutes")))
                 .only("pk", "title", "committee_id", "organiser_workstation_id", "due_at"))
    organisers = organiser_user_ids(items)
    staff = staff_user_ids(c.committee_id for c in items if c.due_at < now)
    rows = []
    for c in items:
        day = _due_day(c.due_at)
        if c.due_at >= now:
            rows += notification_rows(organisers.get(c.pk, ()), stage="consultation.minutes.due_soon", item=c, day=day,
                                      url=consultation_url(c), title=f"请于{day:%m月%d日}前形成会议纪要：{c.title}")
        else:
            rows += notification_rows(staff.get(c.committee_id, ()), stage="consultation.minutes.overdue", item=c,
                                      day=day, url=consultation_url(c), title=f"会议纪要已逾期：{c.title}")
    return notify_rows(rows)


@sweep("consultations.outcomes", group="frequent")
def outcome_deadlines(now: dt.datetime | None = None) -> int:
    """Outcome items: the unit 7 days before; overdue → the unit and the committee's leaders (once)."""
    now = now or timezone.now()
    items = list(Outcome.objects.open().filter(due_at__lt=now + dt.timedelta(days=_days("outcome")))
                 .select_related("consultation").only("pk", "text", "due_at", "handling_unit_id",
                                                      "consultation__title", "consultation__committee_id"))
    units = unit_user_ids(o.handling_unit_id for o in items)
    leaders = staff_user_ids((o.consultation.committee_id for o in items if o.due_at < now), role=Role.LEADER)
    url = reverse("consultations:unit-outcomes")
    rows = []
    for o in items:
        day = _due_day(o.due_at)
        if o.due_at >= now:
            rows += notification_rows(units.get(o.handling_unit_id, ()), stage="consultation.outcome.due_soon",
                                      item=o, day=day, url=url,
                                      title=f"协商成果将于{day:%m月%d日}到期：{o.consultation.title}", body=o.text)
        else:
            recipients = units.get(o.handling_unit_id, set()) | leaders.get(o.consultation.committee_id, set())
            rows += notification_rows(recipients, stage="consultation.outcome.overdue", item=o, day=day,
                                      url=consultation_url(o.consultation),
                                      title=f"协商成果办理已逾期：{o.consultation.title}", body=o.text)
    return notify_rows(rows)


@sweep("consultations.follow_up_schedule", group="frequent")
def follow_up_autoschedule(now: dt.datetime | None = None) -> int:
    """Schedule the follow-up visit 90 days after the outcomes were sent, or as soon as every item
    is reported done — whichever comes first, once (the step changes and a conditional unique
    constraint allows one open visit)."""
    from .services import follow_up_schedule

    now = now or timezone.now()
    converting = Consultation.objects.filter(step=S.CONVERTING)
    all_done = (converting.filter(outcomes__status__in=Outcome.FINAL)
                .exclude(pk__in=Outcome.objects.open().values("consultation_id")))
    due = converting.filter(follow_up_due_at__lte=now)
    ids = dict.fromkeys(all_done.values_list("pk", flat=True), FollowUpVisit.Trigger.ALL_DONE)
    for pk in due.values_list("pk", flat=True):
        ids.setdefault(pk, FollowUpVisit.Trigger.DUE)
    scheduled = 0
    for c in Consultation.objects.filter(pk__in=list(ids)):
        if follow_up_schedule(consultation=c, trigger=ids[c.pk], now=now):
            scheduled += 1
    return scheduled


@sweep("consultations.follow_up_visits", group="frequent")
def follow_up_deadlines(now: dt.datetime | None = None) -> int:
    """Follow-up visits: the organiser before the day; not held by then → the leaders' list (once)."""
    now = now or timezone.now()
    visits = list(FollowUpVisit.objects.open().filter(due_at__lt=now + dt.timedelta(days=_days("follow_up")))
                  .select_related("consultation").only(
                      "pk", "due_at", "scheduled_on", "consultation__id", "consultation__title",
                      "consultation__committee_id", "consultation__organiser_workstation_id"))
    organisers = organiser_user_ids(v.consultation for v in visits)
    leaders = staff_user_ids((v.consultation.committee_id for v in visits if v.due_at < now), role=Role.LEADER)
    rows = []
    for v in visits:
        c, day = v.consultation, _due_day(v.due_at)
        if v.due_at >= now:
            rows += notification_rows(organisers.get(c.pk, ()), stage="consultation.follow_up.due_soon", item=v,
                                      day=day, url=consultation_url(c),
                                      title=f"回头看请于{day:%m月%d日}前开展：{c.title}")
        else:
            rows += notification_rows(leaders.get(c.committee_id, ()), stage="consultation.follow_up.overdue", item=v,
                                      day=day, url=reverse("consultations:overdue"),
                                      title=f"回头看逾期未开展：{c.title}")
    return notify_rows(rows)


__all__ = ["research_deadlines", "minutes_deadlines", "outcome_deadlines", "follow_up_autoschedule",
           "follow_up_deadlines"]
