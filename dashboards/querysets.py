"""Scoped querysets for the summary tables (SPEC section 5): the office of a committee tree reads its
own committees' rows; the dashboards' pages aggregate them through their own selectors."""

from __future__ import annotations

from core.scoping import ScopedQuerySet


class CommitteeRowsQuerySet(ScopedQuerySet):
    """Rows owned by one committee (daily statistics, roll-up reports): office only."""

    office_path = "committee"
