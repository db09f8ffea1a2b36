"""Set-based sweeps (registered with core.sweeps; beat runs them).

- ``dashboards.refresh`` (frequent): re-aggregate the recent window of every flow metric and all
  snapshot metrics into DailyStat.
- ``dashboards.refresh_full`` (daily): re-aggregate all history (late edits to old events).
- ``dashboards.rollups`` (daily): the monthly, quarterly and yearly roll-ups of the period that just
  ended (created on the first day of a period; later days only catch up).
"""

from __future__ import annotations

from core.sweeps import sweep


@sweep("dashboards.refresh", group="frequent")
def refresh_recent() -> int:
    from .refresh import stats_refresh

    return sum(stats_refresh().values())


@sweep("dashboards.refresh_full", group="daily")
def refresh_full() -> int:
    from .refresh import stats_refresh

    return sum(stats_refresh(full=True).values())


@sweep("dashboards.rollups", group="daily")
def rollups() -> int:
    from .services import rollups_ensure_periodic

    return rollups_ensure_periodic()
