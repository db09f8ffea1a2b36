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

from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, DateField, F, IntegerField, Q, Value
from django.utils import timezone

from core.models import CalendarDay

from . import metrics as M
from .models import DailyStat, StatsRefresh, WorkdayIndex

log = logging.getLogger(__name__)

WORKDAY_INDEX_FROM = dt.date(2018, 1, 1)
WORKDAY_INDEX_AHEAD_DAYS = 800
# Flow metrics are kept per month (``day`` is the month's first day): every period is whole months.
# The frequent sweep re-aggregates the months that contain the last RECENT_DAYS days; the daily sweep
# re-aggregates everything (late edits to older events are caught there).
RECENT_DAYS = 35


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


COLUMNS = ["committee_id", "day", "metric", "key", "bucket", "township_id", "sector_id", "special_committee_id",
           "unit_id", "ref_id", "value"]


def _aggregate(metric: M.Metric, code: str, committee_ids: list[int] | None, since: dt.date | None,
               today: dt.date):
    """The grouped query for one metric: one row per committee, month (flow) or today (snapshot),
    dimension values, key and bucket, in the column order of ``COLUMNS``."""
    qs = metric.base()
    if committee_ids is not None:
        qs = qs.filter(**{f"{metric.committee}__in": committee_ids})
    if metric.kind == M.FLOW:
        qs = metric.in_period(qs, since, None).exclude(**{f"{metric.day}__isnull": True})
        day = metric.month_expr()
    else:
        day = Value(today, output_field=DateField())
    group = {
        "s_committee": F(metric.committee),
        "s_day": day,
        "s_metric": Value(code, output_field=CharField()),
        "s_key": metric.key_expr(),
        "s_bucket": metric.bucket() if metric.bucket else Value(0, output_field=IntegerField()),
    }
    for dim in M.DIMS:
        group[f"s_{dim}"] = metric.dim_expr(dim)
    return qs.order_by().values(**group).annotate(s_value=metric.value_expr())


def _insert_select(qs) -> int:
    """INSERT INTO dailystat (…) SELECT … FROM (the grouped query): the rows never pass through Python."""
    sql, params = qs.query.get_compiler(using=DailyStat.objects.db).as_sql()
    aliases = ["s_committee", "s_day", "s_metric", "s_key", "s_bucket", "s_township", "s_sector",
               "s_special_committee", "s_unit", "s_ref", "s_value"]
    table = connection.ops.quote_name(DailyStat._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    select = ", ".join(f"sub.{connection.ops.quote_name(a)}" for a in aliases)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {select} FROM ({sql}) sub "
                       f"WHERE sub.{connection.ops.quote_name('s_value')} <> 0", params)
        return cursor.rowcount


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def stats_refresh(*, committee_ids: Iterable[int] | None = None, full: bool = False,
                  since: dt.date | None = None, codes: Iterable[str] | None = None) -> dict[str, int]:
    """Refresh the summary rows. ``full`` re-aggregates all history; otherwise flow metrics from the
    month that contains ``since`` (default: RECENT_DAYS ago). Snapshot metrics are always recomputed.
    Returns rows written per metric."""
    from members.models import Committee

    started = time.monotonic()
    today = timezone.localdate()
    if not full and since is None:
        since = today - dt.timedelta(days=RECENT_DAYS)
    since = None if full else month_start(since)
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
            try:
                with transaction.atomic():  # one broken metric keeps its old rows, not the others'
                    old.delete()  # a single DELETE: nothing cascades from summary rows
                    written[code] = _insert_select(_aggregate(metric, code, ids, since, today))
            except DatabaseError:
                raise  # the database itself failed: let the task retry
            except Exception:
                log.exception("dashboard metric %s could not be refreshed; its previous rows are kept", code)
                written[code] = -1
        StatsRefresh.objects.filter(committee_id__in=ids).update(refreshed_at=timezone.now(), full=full)
    if full and connection.vendor == "postgresql":
        # The table was largely rewritten: fresh statistics keep the dashboard's plans on the index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(DailyStat._meta.db_table)}")
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
