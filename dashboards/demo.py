"""Demo data for the dashboards: the summary rows over everything the other apps generated, and the
roll-ups of the last completed month, quarter and year (as beat would have made them)."""

from __future__ import annotations


def generate(ctx) -> None:
    from .refresh import stats_refresh
    from .services import rollups_ensure_periodic

    written = stats_refresh(full=True)
    created = rollups_ensure_periodic()
    if not ctx.get("quiet"):
        ctx["stdout"].write(f"    dashboards: {sum(written.values())} summary rows, {created} roll-ups queued")
