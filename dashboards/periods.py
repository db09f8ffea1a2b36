"""Reporting periods: a month ("2026-11"), a quarter ("2026-Q4") or a year ("2026")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年{QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}"
        return f"{self.start.year}年"

    def months(self) -> list[dt.date]:
        """First days of the months in the period."""
        out, d = [], self.start
        while d <= self.end:
            out.append(d)
            d = _add_months(d, 1)
        return out

    def chart_months(self) -> list[dt.date]:
        """Months the charts plot: those of a quarter or year; for a month, the twelve months up to it
        (a single month is no trend)."""
        if self.kind == "month":
            return [_add_months(self.start, -i) for i in range(11, -1, -1)]
        return self.months()

    def previous(self) -> Period:
        return make_period(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return make_period(self.kind, self.end + dt.timedelta(days=1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def make_period(kind: str, day: dt.date) -> Period:
    if kind == "month":
        start = day.replace(day=1)
        return Period("month", start, _add_months(start, 1) - dt.timedelta(days=1))
    if kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period("quarter", start, _add_months(start, 3) - dt.timedelta(days=1))
    if kind == "year":
        return Period("year", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    raise ValueError(kind)


_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
]


def parse_period(code: str | None, default_kind: str = "year") -> Period:
    """Parse a period code; anything unparseable gives the current period of ``default_kind``."""
    code = (code or "").strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(code)
        if not m:
            continue
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == "month":
            month = int(m.group(2))
            if not 1 <= month <= 12:
                break
            return make_period("month", dt.date(year, month, 1))
        if kind == "quarter":
            return make_period("quarter", dt.date(year, (int(m.group(2)) - 1) * 3 + 1, 1))
        return make_period("year", dt.date(year, 1, 1))
    return make_period(default_kind, timezone.localdate())


def is_valid_period(code: str) -> bool:
    """A period code parse_period reads as written: the right shape, a year 2000–2100, a month 1–12
    ("0000" or "99999" is not silently read as this year)."""
    code = (code or "").strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(code)
        if m:
            return 2000 <= int(m.group(1)) <= 2100 and (kind != "month" or 1 <= int(m.group(2)) <= 12)
    return False


def recent_periods(today: dt.date | None = None, months: int = 12) -> list[Period]:
    """Choices for the filter: this and last year, the last four quarters, the last twelve months."""
    today = today or timezone.localdate()
    out = [make_period("year", today), make_period("year", dt.date(today.year - 1, 1, 1))]
    q = make_period("quarter", today)
    for _ in range(4):
        out.append(q)
        q = q.previous()
    m = make_period("month", today)
    for _ in range(months):
        out.append(m)
        m = m.previous()
    return out


def last_completed(kind: str, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return make_period(kind, today).previous()
