"""Thin Celery tasks (ids in, idempotent, acknowledged late)."""

from __future__ import annotations

from core.tasks import portal_task


@portal_task(name="dashboards.refresh_stats")
def refresh_stats(committee_ids: list[int] | None = None, full: bool = False) -> dict:
    from .refresh import stats_refresh

    return stats_refresh(committee_ids=committee_ids, full=full)


@portal_task(name="dashboards.generate_rollup")
def generate_rollup(report_id: int) -> bool:
    from .services import rollup_generate

    return rollup_generate(report_id=report_id)
