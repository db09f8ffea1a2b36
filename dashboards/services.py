"""Writes of the dashboards app: refresh requests and roll-up reports. Keyword-only and atomic;
follow-up work goes through the transactional outbox (never ``.delay()`` in a request)."""

from __future__ import annotations

import logging
import time
import traceback

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.outbox import outbox_enqueue
from core.scoping import descendant_committee_ids

from .models import RollupReport
from .periods import Period, last_completed

log = logging.getLogger(__name__)

TASK_GENERATE = "dashboards.generate_rollup"
TASK_REFRESH = "dashboards.refresh_stats"


def stats_refresh_request(*, committee_ids: list[int] | None, full: bool = False) -> None:
    """Ask for a refresh of the summary rows (runs in the worker; inline without a broker)."""
    ids = sorted(committee_ids) if committee_ids is not None else None
    # One refresh per committee set per 10 seconds, however many times the button is pressed.
    key = f"{TASK_REFRESH}:{','.join(map(str, ids)) if ids else 'all'}:{int(full)}:{int(time.time()) // 10}"
    with transaction.atomic():
        outbox_enqueue(TASK_REFRESH, ids, full, key=key[:200])


@transaction.atomic
def rollup_request(*, committee, period: Period, by=None, on_demand: bool = True) -> RollupReport:
    """Create (or re-run) the roll-up of ``committee`` for ``period`` and enqueue its generation.
    A report already queued or being generated is returned as is (a double click enqueues once)."""
    report, created = RollupReport.objects.select_for_update().get_or_create(
        committee=committee, kind=period.kind, period_start=period.start,
        defaults={"period_end": period.end, "label": period.label, "requested_on_demand": on_demand},
    )
    if not created:
        if report.status in (RollupReport.Status.PENDING, RollupReport.Status.RUNNING):
            return report
        if not on_demand:
            return report  # beat never regenerates a kept report
        report.status, report.progress, report.error = RollupReport.Status.PENDING, 0, ""
        report.requested_on_demand = True
    report.stamp(by)
    report.save()
    outbox_enqueue(TASK_GENERATE, report.pk, key=f"{TASK_GENERATE}:{report.pk}:{timezone.now().timestamp():.6f}")
    return report


def rollups_ensure_periodic(*, today=None) -> int:
    """Beat (daily): make sure the last completed month, quarter and year have a roll-up for every
    committee. On the first day of a period this creates the new reports; on other days it only
    catches up what a missed run left out. Idempotent (unique committee, kind, period)."""
    from members.models import Committee

    created = 0
    for kind in ("month", "quarter", "year"):
        period = last_completed(kind, today)
        have = set(RollupReport.objects.filter(kind=kind, period_start=period.start)
                   .values_list("committee_id", flat=True))
        for committee in Committee.objects.exclude(pk__in=have).order_by("pk"):
            rollup_request(committee=committee, period=period, on_demand=False)
            created += 1
    return created


def _set_progress(report: RollupReport, progress: int, **fields) -> None:
    RollupReport.objects.filter(pk=report.pk).update(progress=progress, **fields)


def rollup_generate(*, report_id: int) -> bool:
    """Generate a report's .xlsx: refresh the committee tree's summary rows, compute the same
    figures as the dashboard, write the workbook. Progress is committed step by step so the page
    can show it. Returns False when there was nothing to do (already done: redelivered message)."""
    from .periods import make_period
    from .refresh import stats_refresh_if_stale
    from .selectors import Filters, dashboard_data, unit_table
    from .xlsx import build_rollup_workbook

    claimed = RollupReport.objects.filter(pk=report_id, status=RollupReport.Status.PENDING).update(
        status=RollupReport.Status.RUNNING, progress=5)
    if not claimed:
        return False
    report = RollupReport.objects.select_related("committee").get(pk=report_id)
    try:
        ids = sorted(descendant_committee_ids(report.committee_id))
        stats_refresh_if_stale(committee_ids=ids)
        _set_progress(report, 35)
        period = make_period(report.kind, report.period_start)
        data = dashboard_data(Filters(period=period, committee_ids=ids))
        _set_progress(report, 60)
        units = unit_table(committee_ids=ids, period=period)
        _set_progress(report, 80)
        content = build_rollup_workbook(report=report, data=data, units=units)
        report.file.save(report.filename, ContentFile(content), save=False)
        RollupReport.objects.filter(pk=report.pk).update(
            file=report.file.name, status=RollupReport.Status.DONE, progress=100, finished_at=timezone.now(),
            error="")
    except Exception as exc:  # keep the reason on the report; the page shows it
        log.exception("roll-up %s failed", report_id)
        RollupReport.objects.filter(pk=report.pk).update(
            status=RollupReport.Status.FAILED, error=f"{exc!r}\n{traceback.format_exc()[-1500:]}")
        raise
    return True

