"""Due dates from deadline policies: "N calendar or working days after the base date".

A policy is a ``DeadlinePolicy`` row when the office has set one, else the named default in
``settings.DEADLINE_DEFAULTS``. Working days skip weekends and public holidays and count the
weekend days made working days (调休), all kept as ``CalendarDay`` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
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


# --- The one definition of "open", "overdue" and "due soon" ------------------------------------------

# Days before the deadline from which an item counts as "due soon" (pages, workbench and reminders).
DUE_SOON_DAYS = 7


class DeadlineQuerySetMixin:
    """Named reads for every model that waits on someone by a ``due_at``. Each queryset states only
    what "still open" means for its model (``open_q``) and, where a handling unit owes the work, the
    path to it (``unit_field``); "overdue" and "due soon" are then the same everywhere: pages, API
    filters, sweeps, the unit workbench and the leaders' dashboard all call these methods (or the
    ``*_q`` variants where a ``Q`` is needed), so their counts cannot disagree.

    Overdue means: still open and ``due_at`` strictly before now. An item due today is not overdue
    until its due moment (the end of the due day) has passed; a closed item is never overdue.
    """

    due_field = "due_at"
    unit_field: str | None = None

    def open_q(self) -> Q:
        raise NotImplementedError(f"{type(self).__name__} must say what an open item is (open_q)")

    def open(self):
        return self.filter(self.open_q())

    def overdue_q(self, now: dt.datetime | None = None) -> Q:
        return self.open_q() & Q(**{f"{self.due_field}__lt": now or timezone.now()})

    def overdue(self, now: dt.datetime | None = None):
        return self.filter(self.overdue_q(now))

    def due_soon_q(self, days: int = DUE_SOON_DAYS, now: dt.datetime | None = None) -> Q:
        now = now or timezone.now()
        return self.open_q() & Q(**{f"{self.due_field}__gte": now,
                                    f"{self.due_field}__lte": now + dt.timedelta(days=days)})

    def due_soon(self, days: int = DUE_SOON_DAYS, now: dt.datetime | None = None):
        return self.filter(self.due_soon_q(days, now))

    def waiting_on_unit(self, unit):
        """Open items a handling unit (object or id) still owes."""
        if not self.unit_field:
            raise NotImplementedError(f"{type(self).__name__} has no handling unit")
        unit_id = getattr(unit, "pk", unit)
        return self.open().filter(**{self.unit_field: unit_id})


def is_overdue(due_at: dt.datetime | None, *, is_open: bool, now: dt.datetime | None = None) -> bool:
    """The same rule as :meth:`DeadlineQuerySetMixin.overdue`, for one loaded object."""
    return bool(is_open and due_at is not None and due_at < (now or timezone.now()))


class Urgency:
    OVERDUE = "overdue"
    SOON = "soon"
    LATER = "later"

    LABELS = {OVERDUE: "已逾期", SOON: f"{DUE_SOON_DAYS}日内到期", LATER: "未到期"}


def urgency(due_at: dt.datetime | None, now: dt.datetime | None = None, *, is_open: bool = True) -> str:
    """Overdue / due soon / later for one open item, by the rule of the queryset methods above."""
    now = now or timezone.now()
    if is_overdue(due_at, is_open=is_open, now=now):
        return Urgency.OVERDUE
    if is_open and due_at is not None and due_at <= now + dt.timedelta(days=DUE_SOON_DAYS):
        return Urgency.SOON
    return Urgency.LATER
