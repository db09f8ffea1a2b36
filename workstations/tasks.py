"""Thin Celery tasks: they take ids (or ISO dates), are idempotent and acknowledged late."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core.notifications import notify
from core.tasks import portal_task


@portal_task(name="workstations.notify_new_visit")
def notify_new_visit(visit_id: int) -> int:
    """Tell the workstation's convenor(s) about a resident's new issue (once: unique notification)."""
    from .models import Visit
    from .selectors import convenor_user_ids

    visit = Visit.objects.select_related("workstation").filter(pk=visit_id).first()
    if visit is None:
        return 0
    recipients = convenor_user_ids([visit.workstation_id]).get(visit.workstation_id, set())
    return notify(
        recipients, stage="workstations.visit.new", item=visit, day=visit.received_on,
        title=f"{visit.workstation.name}收到群众留言（{visit.get_category_display()}）",
        body=visit.issue[:200], url=reverse("workstations:visit-detail", args=[visit.pk]),
    )


@portal_task(name="workstations.credit_duty_points")
def credit_duty_points(day_id: int) -> int:
    """A held reception day earns the members on duty their points (idempotent per day)."""
    from members.services import points_credit

    from .models import ReceptionDay

    day = ReceptionDay.objects.filter(pk=day_id, status=ReceptionDay.Status.HELD).select_related("workstation").first()
    if day is None:
        return 0
    member_ids = list(day.duty_members.values_list("pk", flat=True))
    return points_credit(member_ids=member_ids, rule_code="reception_day.duty", source=day, on=day.date,
                         note=f"{day.workstation.name}接待日值班")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@portal_task(name="workstations.month_end_check", bind=True)
def month_end_check_task(self, on: str | None = None) -> int:
    """The month-end check for a given date (ISO) or today. Each run leaves a TaskRun row (an audit
    of when the check ran; the check itself is idempotent, so a re-run sends nothing twice)."""
    from core.models import TaskRun

    from .sweeps import month_end_check

    sent = month_end_check(_date(on))
    TaskRun.objects.get_or_create(key=f"workstations.month_end_check:{on or 'today'}:{self.request.id}")
    return sent


@portal_task(name="workstations.reception_reminders")
def reception_reminders_task(on: str | None = None) -> int:
    from .sweeps import reception_reminders

    return reception_reminders(_date(on))
