"""One way for page views to read numbers from the query string or a form field.

A page parameter that is present but not a sensible number (``year=0``, ``year=99999``,
``month=2026-13``, 30 digits, ``null,null``) answers 400 with a Chinese message naming the field
(``core.views.bad_request``), instead of reaching ``datetime.date`` or the database and failing
with a 500. Absent or empty parameters give the default. Page numbers go through Django's
``Paginator.get_page``, which already falls back to the first or last page.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import BadRequest

# Years the portal's calendars, numbering and roll-ups deal with.
YEAR_MIN, YEAR_MAX = 2000, 2100
# Database ids fit a signed 64-bit integer; 18 digits always do (core.converters uses the same bound).
ID_MAX = 10**18 - 1


class ParamError(BadRequest):
    """A page parameter is not valid; the message (Chinese) names the field and what it expects."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def _raw(source, name: str) -> str:
    value = source.get(name) if hasattr(source, "get") else None
    return "" if value is None else str(value).strip()


def int_param(source, name: str, *, label: str, default: int | None = None, min_value: int = 0,
              max_value: int = ID_MAX) -> int | None:
    """``source[name]`` (a QueryDict or dict) as an int in ``[min_value, max_value]``; ``default``
    when absent or empty; :class:`ParamError` (400) otherwise."""
    raw = _raw(source, name)
    if raw == "":
        return default
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 19:
        raise ParamError(f"“{label}”应为{min_value}至{max_value}之间的整数。", field=name)
    value = int(raw)
    if not min_value <= value <= max_value:
        raise ParamError(f"“{label}”应为{min_value}至{max_value}之间的整数。", field=name)
    return value


def parse_id(value) -> int | None:
    """``value`` as a database id when it is 1–18 ASCII digits (not "²", not 30 digits), else None.
    For lists of ticked ids in a form, where a stray value is skipped rather than refused."""
    text = str(value).strip() if value is not None else ""
    if text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0:
        return int(text)
    return None


def parse_ids(values) -> list[int]:
    return [i for i in (parse_id(v) for v in values) if i is not None]


def id_param(source, name: str, *, label: str = "编号") -> int | None:
    """A database id (1 … 10^18−1) or None when absent."""
    return int_param(source, name, label=label, min_value=1, max_value=ID_MAX)


def year_param(source, name: str = "year", *, label: str = "年份", default: int | None = None) -> int | None:
    return int_param(source, name, label=label, default=default, min_value=YEAR_MIN, max_value=YEAR_MAX)


def month_param(source, name: str = "month", *, label: str = "月份", default: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM`` as the first day of that month."""
    raw = _raw(source, name)
    if raw == "":
        return default
    parts = raw.split("-")
    if (len(parts) == 2 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[0]) == 4
            and YEAR_MIN <= int(parts[0]) <= YEAR_MAX and 1 <= int(parts[1]) <= 12):
        return dt.date(int(parts[0]), int(parts[1]), 1)
    raise ParamError(f"“{label}”应为{YEAR_MIN}至{YEAR_MAX}年间的年月，如 2026-05。", field=name)


class FormInvalid(BadRequest):
    """A page form's input is not valid (a missing choice, a list where one value belongs …).

    Action views that used to turn this into a redirect with a message (or let it reach the
    database) raise it instead; the app's action wrapper shows its page again with the message and
    status 400, and anywhere else ``core.views.bad_request`` answers the Chinese 400 page."""

    def __init__(self, form_or_message):
        if isinstance(form_or_message, str):
            message = form_or_message
        else:
            message = "；".join(str(m) for errs in form_or_message.errors.values() for m in errs) or "提交的内容无效。"
        super().__init__(message)
        self.message = message
