"""Due dates from deadline policies: "N calendar or working days after the base date".

A policy is a ``DeadlinePolicy`` row when the office has set one, else the named default in
``settings.DEADLINE_DEFAULTS``. Working days skip weekends and public holidays and count the
weekend days made working days (调休), all kept as ``CalendarDay`` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import CalendarDay, DeadlinePolicy


@dataclass(frozen=True)
class Policy:
    code: str
    name: str
    days: int
    day_kind: str  # "calendar" | "working"


@dataclass(frozen=True)
class Due:
    on: dt.date
    at: dt.datetime  # end of the due day, Asia/Shanghai
    explanation: str


def get_policy(code: str) -> Policy:
    row = DeadlinePolicy.objects.filter(code=code).first()
    if row:
        return Policy(row.code, row.name, row.days, row.day_kind)
    try:
        days, kind, name = settings.DEADLINE_DEFAULTS[code]
    except KeyError as exc:
        raise KeyError(f"unknown deadline policy {code!r}") from exc
    return Policy(code, name, days, kind)


def _as_local_date(base: dt.date | dt.datetime) -> dt.date:
    if isinstance(base, dt.datetime):
        return timezone.localtime(base).date() if timezone.is_aware(base) else base.date()
    return base


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, list[str]]:
    """The n-th working day after ``start``, and the non-obvious days met on the way."""
    horizon = start + dt.timedelta(days=n * 3 + 40)
    exceptions = dict(
        CalendarDay.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "is_working_day")
    )
    names = dict(CalendarDay.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "name"))
    day, counted, notes = start, 0, []
    while counted < n:
        day += dt.timedelta(days=1)
        working = exceptions.get(day, day.weekday() < 5)
        if day in exceptions:
            notes.append(f"{day:%m-%d}{names.get(day) or ''}{'调休上班' if working else '放假'}")
        if working:
            counted += 1
    return day, notes


def compute_due(code: str, base: dt.date | dt.datetime, *, days: int | None = None) -> Due:
    """Due date for policy ``code`` counted from ``base``; ``days`` overrides the policy's length
    (e.g. a key proposal's deadline set by hand)."""
    policy = get_policy(code)
    n = policy.days if days is None else days
    start = _as_local_date(base)
    if policy.day_kind == DeadlinePolicy.DayKind.WORKING:
        on, notes = add_working_days(start, n)
        extra = f"（{'，'.join(notes)}）" if notes else ""
        explanation = f"{policy.name}：自{start:%Y-%m-%d}起{n}个工作日，跳过周末和法定节假日{extra}，截止{on:%Y-%m-%d}"
    else:
        on = start + dt.timedelta(days=n)
        explanation = f"{policy.name}：自{start:%Y-%m-%d}起{n}个自然日，截止{on:%Y-%m-%d}"
    return Due(on=on, at=end_of_day(on), explanation=explanation)


def today() -> dt.date:
    return timezone.localdate()
