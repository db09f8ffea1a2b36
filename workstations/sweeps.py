"""Set-based sweeps for workstations (registered with core.sweeps; beat runs them).

- ``workstations.reception_reminders`` (group "frequent"): each convenor is reminded of every planned
  reception day in the next RECEPTION_REMINDER_DAYS_BEFORE days — once per day item (the
  notification's ``day`` is the reception date, so the unique constraint keeps it to one).
- ``workstations.month_end_check`` (group "daily", beat runs it at 22:30): on the last day of a month
  it checks that month; on the 1st it checks the previous month again, to catch up when the last-day
  run was missed (worker down). Workstations with fewer than RECEPTION_DAYS_PER_MONTH_MIN held days
  get a WorkstationMonthFlag row (unique per month) and their convenors one notification (the
  notification's item is the flag and its ``day`` the month's first day, so re-runs on any day send
  nothing twice).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.notifications import notify_rows
from core.sweeps import sweep

from .models import ReceptionDay, Workstation, WorkstationMonthFlag
from .selectors import convenor_user_ids

STAGE_REMINDER = "workstations.reception.reminder"
STAGE_UNDER_MIN = "workstations.month.under_min"


@sweep("workstations.reception_reminders", group="frequent")
def reception_reminders(on: dt.date | None = None) -> int:
    today = on or timezone.localdate()
    until = today + dt.timedelta(days=settings.RECEPTION_REMINDER_DAYS_BEFORE)
    days = list(ReceptionDay.objects.filter(status=ReceptionDay.Status.PLANNED, date__gte=today, date__lte=until,
                                            workstation__is_active=True)
                .values_list("pk", "date", "workstation_id", "workstation__name"))
    if not days:
        return 0
    recipients = convenor_user_ids({d[2] for d in days})
    ct = ContentType.objects.get_for_model(ReceptionDay)
    rows = []
    for pk, date, ws_id, ws_name in days:
        url = reverse("workstations:roster", args=[ws_id])
        for uid in recipients.get(ws_id, ()):
            rows.append(Notification(
                recipient_id=uid, content_type=ct, object_id=pk, stage=STAGE_REMINDER, day=date,
                title=f"{ws_name}将于{date.month}月{date.day}日举行委员接待日",
                body=f"{ws_name}的委员接待日定于{date:%Y年%m月%d日}，请确认值班委员并提前告知群众。", url=url,
            ))
    return notify_rows(rows)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def months_to_check(on: dt.date) -> list[dt.date]:
    months = []
    if (on + dt.timedelta(days=1)).day == 1:
        months.append(on.replace(day=1))
    if on.day == 1:
        months.append((on - dt.timedelta(days=1)).replace(day=1))
    return months


def flag_month(month: dt.date) -> int:
    """Flag the workstations under the minimum for ``month`` and notify their convenors once.
    Returns the number of new notifications."""
    first, last = month_bounds(month)
    required = settings.RECEPTION_DAYS_PER_MONTH_MIN
    under = list(
        Workstation.objects.filter(is_active=True).filter(Q(opened_on__isnull=True) | Q(opened_on__lte=last))
        .annotate(held=Count("reception_days", filter=Q(reception_days__status=ReceptionDay.Status.HELD,
                                                         reception_days__date__gte=first,
                                                         reception_days__date__lte=last)))
        .filter(held__lt=required).values_list("pk", "held")
    )
    WorkstationMonthFlag.objects.bulk_create(
        [WorkstationMonthFlag(workstation_id=pk, month=first, held_count=held, required=required) for pk, held in under],
        ignore_conflicts=True,
    )
    flags = list(WorkstationMonthFlag.objects.filter(month=first)
                 .values_list("pk", "workstation_id", "workstation__name", "held_count", "required"))
    recipients = convenor_user_ids({f[1] for f in flags})
    ct = ContentType.objects.get_for_model(WorkstationMonthFlag)
    rows = []
    for pk, ws_id, ws_name, held, req in flags:
        url = reverse("workstations:calendar", args=[ws_id])
        for uid in recipients.get(ws_id, ()):
            rows.append(Notification(
                recipient_id=uid, content_type=ct, object_id=pk, stage=STAGE_UNDER_MIN, day=first,
                title=f"{ws_name}{first.year}年{first.month}月接待日不足",
                body=f"{ws_name}{first.year}年{first.month}月举行委员接待日{held}次，少于每月{req}次的要求，"
                     "请安排接待并及时登记。", url=url,
            ))
    return notify_rows(rows)


@sweep("workstations.month_end_check", group="daily")
def month_end_check(on: dt.date | None = None) -> int:
    on = on or timezone.localdate()
    return sum(flag_month(m) for m in months_to_check(on))
