"""Deadline sweeps for consultations (SPEC section 3). Each finds its items with the models' own
``due_soon`` and ``overdue`` reads (core.deadlines: the same rule as pages, API and dashboards), asks
the selectors' recipient functions who is told, builds the notifications for all of them and inserts them with ``notify_rows`` (unique per recipient, item,
stage and day). Reminder and escalation rows carry the item's due date as their day, so an item is
reminded once and escalates once, however often the sweep runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.notifications import notification_rows, notify_rows
from core.sweeps import sweep

from .models import Consultation, FollowUpVisit, Outcome
from .selectors import (
    follow_up_escalation_user_ids, office_user_ids, organiser_user_ids, outcome_escalation_user_ids,
    outcome_unit_user_ids, research_lead_user_ids,
)
from .services import consultation_url

S = Consultation.Step


def _days(kind: str) -> int:
    return settings.CONSULTATION_REMINDER_DAYS.get(kind, 7)


def _due_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


@sweep("consultations.research", group="frequent")
def research_deadlines(now: dt.datetime | None = None) -> int:
    """Research phase (its due_at is the research deadline): the lead member before it; overdue →
    the committee office."""
    now = now or timezone.now()
    base = (Consultation.objects.filter(step__in=[S.TOPIC_SELECTED, S.RESEARCHING])
            .select_related("lead_member", "chair").only(
                "pk", "title", "committee_id", "due_at", "lead_member__user_id", "chair__user_id"))
    soon, late = list(base.due_soon(_days("research"), now)), list(base.overdue(now))
    leads, staff = research_lead_user_ids(soon), office_user_ids(late)
    rows = []
    for c in soon:
        day = _due_day(c.due_at)
        rows += notification_rows(leads[c.pk], stage="consultation.research.due_soon", item=c, day=day,
                                  url=consultation_url(c), title=f"协商调研将于{day:%m月%d日}截止：{c.title}")
    for c in late:
        rows += notification_rows(staff[c.pk], stage="consultation.research.overdue", item=c,
                                  day=_due_day(c.due_at), url=consultation_url(c), title=f"协商调研已逾期：{c.title}")
    return notify_rows(rows)


@sweep("consultations.minutes", group="frequent")
def minutes_deadlines(now: dt.datetime | None = None) -> int:
    """Minutes: the organiser before the due day; overdue → the committee office."""
    now = now or timezone.now()
    base = Consultation.objects.filter(step=S.HELD).only("pk", "title", "committee_id", "organiser_workstation_id",
                                                         "due_at")
    soon, late = list(base.due_soon(_days("minutes"), now)), list(base.overdue(now))
    organisers, staff = organiser_user_ids(soon), office_user_ids(late)
    rows = []
    for c in soon:
        day = _due_day(c.due_at)
        rows += notification_rows(organisers[c.pk], stage="consultation.minutes.due_soon", item=c, day=day,
                                  url=consultation_url(c), title=f"请于{day:%m月%d日}前形成会议纪要：{c.title}")
    for c in late:
        rows += notification_rows(staff[c.pk], stage="consultation.minutes.overdue", item=c, day=_due_day(c.due_at),
                                  url=consultation_url(c), title=f"会议纪要已逾期：{c.title}")
    return notify_rows(rows)


@sweep("consultations.outcomes", group="frequent")
def outcome_deadlines(now: dt.datetime | None = None) -> int:
    """Outcome items: the unit 7 days before; overdue → the unit and the committee's leaders (once)."""
    now = now or timezone.now()
    base = Outcome.objects.select_related("consultation").only(
        "pk", "text", "due_at", "status", "handling_unit_id", "consultation__title", "consultation__committee_id")
    soon, late = list(base.due_soon(_days("outcome"), now)), list(base.overdue(now))
    units, escalate = outcome_unit_user_ids(soon), outcome_escalation_user_ids(late)
    url = reverse("consultations:unit-outcomes")
    rows = []
    for o in soon:
        day = _due_day(o.due_at)
        rows += notification_rows(units[o.pk], stage="consultation.outcome.due_soon", item=o, day=day, url=url,
                                  title=f"协商成果将于{day:%m月%d日}到期：{o.consultation.title}", body=o.text)
    for o in late:
        rows += notification_rows(escalate[o.pk], stage="consultation.outcome.overdue", item=o,
                                  day=_due_day(o.due_at), url=consultation_url(o.consultation),
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
    base = FollowUpVisit.objects.select_related("consultation").only(
        "pk", "due_at", "scheduled_on", "held_on", "consultation__id", "consultation__title",
        "consultation__committee_id", "consultation__organiser_workstation_id")
    soon, late = list(base.due_soon(_days("follow_up"), now)), list(base.overdue(now))
    organisers = organiser_user_ids({v.consultation_id: v.consultation for v in soon}.values())
    leaders = follow_up_escalation_user_ids(late)
    rows = []
    for v in soon:
        c, day = v.consultation, _due_day(v.due_at)
        rows += notification_rows(organisers[c.pk], stage="consultation.follow_up.due_soon", item=v, day=day,
                                  url=consultation_url(c), title=f"回头看请于{day:%m月%d日}前开展：{c.title}")
    for v in late:
        c = v.consultation
        rows += notification_rows(leaders[v.pk], stage="consultation.follow_up.overdue", item=v,
                                  day=_due_day(v.due_at), url=reverse("consultations:overdue"),
                                  title=f"回头看逾期未开展：{c.title}")
    return notify_rows(rows)


__all__ = ["research_deadlines", "minutes_deadlines", "outcome_deadlines", "follow_up_autoschedule",
           "follow_up_deadlines"]
