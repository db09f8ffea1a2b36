"""The set-based refresh of the summary tables.

For each metric one grouped query (``values(committee, day, dims…).annotate(value=…)``) over the
source table replaces that metric's ``DailyStat`` rows for the committees and days refreshed, in one
transaction per refresh. Running it twice gives the same rows (idempotent); concurrent refreshes of
the same committee queue on a row lock of its ``StatsRefresh`` row.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, IntegerField, Q, Value
from django.utils import timezone

from core.models import CalendarDay

from . import metrics as M
from .models import DailyStat, StatsRefresh, WorkdayIndex

log = logging.getLogger(__name__)

WORKDAY_INDEX_FROM = dt.date(2018, 1, 1)
WORKDAY_INDEX_AHEAD_DAYS = 800
# The frequent sweep re-aggregates flow metrics for events on or after this many days ago; the daily
# sweep re-aggregates everything (late edits to older events are caught there).
RECENT_DAYS = 70


def workday_index_rebuild(*, force: bool = False) -> int:
    """(Re)build the working-day ordinal table from the weekday rule and CalendarDay exceptions when
    the calendar changed or the table no longer reaches far enough ahead. Cost depends on the
    calendar's length (a few thousand days), not on the data."""
    today = timezone.localdate()
    end = today + dt.timedelta(days=WORKDAY_INDEX_AHEAD_DAYS)
    exceptions = {d: w for d, w in CalendarDay.objects.filter(date__gte=WORKDAY_INDEX_FROM, date__lte=end)
                  .values_list("date", "is_working_day") if w != (d.weekday() < 5)}
    if not force:
        last = WorkdayIndex.objects.order_by("-day").values_list("day", flat=True).first()
        if last is not None and last >= today + dt.timedelta(days=30):
            weekend = Q(day__week_day__in=[1, 7])  # Sunday, Saturday
            stored = dict(WorkdayIndex.objects.filter((weekend & Q(is_working_day=True))
                                                      | (~weekend & Q(is_working_day=False)))
                          .values_list("day", "is_working_day"))
            if stored == {d: w for d, w in exceptions.items() if d <= last}:
                return 0
    rows, ordinal, day = [], 0, WORKDAY_INDEX_FROM
    while day <= end:
        working = exceptions.get(day, day.weekday() < 5)
        if working:
            ordinal += 1
        rows.append(WorkdayIndex(day=day, ordinal=ordinal, is_working_day=working))
        day += dt.timedelta(days=1)
    with transaction.atomic():
        WorkdayIndex.objects.all().delete()
        WorkdayIndex.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _aggregate(metric: M.Metric, committee_ids: list[int] | None, since: dt.date | None, today: dt.date):
    qs = metric.base()
    if committee_ids is not None:
        qs = qs.filter(**{f"{metric.committee}__in": committee_ids})
    if metric.kind == M.FLOW:
        qs = metric.in_period(qs, since, None).exclude(**{f"{metric.day}__isnull": True})
        day = metric.day_expr()
    else:
        day = Value(today)
    group = {
        "s_committee": F(metric.committee),
        "s_day": day,
        "s_key": metric.key_expr(),
        "s_bucket": metric.bucket() if metric.bucket else Value(0, output_field=IntegerField()),
    }
    for dim in M.DIMS:
        group[f"s_{dim}"] = metric.dim_expr(dim)
    return qs.order_by().values(**group).annotate(s_value=metric.value_expr())


def stats_refresh(*, committee_ids: Iterable[int] | None = None, full: bool = False,
                  since: dt.date | None = None, codes: Iterable[str] | None = None) -> dict[str, int]:
    """Refresh the summary rows. ``full`` re-aggregates all history; otherwise flow metrics from
    ``since`` (default: RECENT_DAYS ago). Snapshot metrics are always recomputed. Returns rows
    written per metric."""
    from members.models import Committee

    started = time.monotonic()
    today = timezone.localdate()
    if not full and since is None:
        since = today - dt.timedelta(days=RECENT_DAYS)
    if full:
        since = None
    workday_index_rebuild()
    ids = sorted(committee_ids) if committee_ids is not None else list(
        Committee.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return {}
    chosen = M.available()
    if codes is not None:
        chosen = {c: m for c, m in chosen.items() if c in set(codes)}
    written: dict[str, int] = {}
    with transaction.atomic():
        StatsRefresh.objects.bulk_create([StatsRefresh(committee_id=i) for i in ids], ignore_conflicts=True)
        list(StatsRefresh.objects.select_for_update().filter(committee_id__in=ids).order_by("committee_id")
             .values_list("pk", flat=True))
        for code, metric in chosen.items():
            old = DailyStat.objects.filter(metric=code, committee_id__in=ids)
            if metric.kind == M.FLOW and since is not None:
                old = old.filter(day__gte=since)
            old.delete()
            rows = [
                DailyStat(committee_id=r["s_committee"], day=r["s_day"], metric=code, key=r["s_key"] or "",
                          bucket=r["s_bucket"] or 0, value=r["s_value"] or 0,
                          township_id=r["s_township"], sector_id=r["s_sector"],
                          special_committee_id=r["s_special_committee"], unit_id=r["s_unit"], ref_id=r["s_ref"])
                for r in _aggregate(metric, ids, since, today).iterator(chunk_size=5000)
                if r["s_value"]
            ]
            DailyStat.objects.bulk_create(rows, batch_size=2000)
            written[code] = len(rows)
        StatsRefresh.objects.filter(committee_id__in=ids).update(refreshed_at=timezone.now(), full=full)
    log.info("dashboard stats refreshed for %d committees in %.2fs (%s)", len(ids), time.monotonic() - started,
             "full" if full else f"since {since}")
    return written


def stats_refresh_if_stale(*, committee_ids: list[int], max_age_seconds: int = 60) -> bool:
    """Refresh unless every committee was refreshed within ``max_age_seconds`` (a roll-up made right
    after a sweep reuses its rows)."""
    fresh_after = timezone.now() - dt.timedelta(seconds=max_age_seconds)
    fresh = StatsRefresh.objects.filter(committee_id__in=committee_ids, refreshed_at__gte=fresh_after).count()
    if fresh == len(set(committee_ids)):
        return False
    stats_refresh(committee_ids=committee_ids)
    return True
