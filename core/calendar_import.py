"""Import a year's working-day calendar (public holidays and 调休 make-up working days) from an
.xlsx or .csv file, and the official schedule of years we know.

File layout (first sheet for .xlsx; UTF-8 or GBK for .csv), one row per exceptional day:

    日期        类型    说明
    2026-10-01  放假    国庆节
    2026-10-10  上班    国庆节调休

类型 accepts 放假/休息/休 (a day off) and 上班/调休上班/班/工作日 (a weekend day made a working day).
All rows are checked first; one bad row imports nothing and every error is reported with its row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction

from .models import CalendarDay

OFF_WORDS = {"放假", "休息", "休", "假", "节假日", "holiday", "off"}
WORK_WORDS = {"上班", "调休上班", "班", "工作日", "补班", "working", "work"}

# 国务院办公厅关于2026年部分节假日安排的通知: days off, and weekend days worked (调休).
OFFICIAL: dict[int, list[tuple[str, str, bool]]] = {
    2026: [
        *[(f"2026-01-0{d}", "元旦", False) for d in (1, 2, 3)],
        ("2026-01-04", "元旦", True),
        ("2026-02-14", "春节", True),
        *[(f"2026-02-{d}", "春节", False) for d in range(15, 24)],
        ("2026-02-28", "春节", True),
        *[(f"2026-04-0{d}", "清明节", False) for d in (4, 5, 6)],
        *[(f"2026-05-0{d}", "劳动节", False) for d in (1, 2, 3, 4, 5)],
        ("2026-05-09", "劳动节", True),
        *[(f"2026-06-{d}", "端午节", False) for d in (19, 20, 21)],
        ("2026-09-20", "国庆节", True),
        *[(f"2026-09-{d}", "中秋节", False) for d in (25, 26, 27)],
        *[(f"2026-10-0{d}", "国庆节", False) for d in range(1, 8)],
        ("2026-10-10", "国庆节", True),
    ],
}


# Rows read from one uploaded file: a year's days, a header and room for notes and blank lines.
MAX_ROWS = 1000
MAX_FILE_BYTES = 5 * 1024 * 1024


class CalendarImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    rows: list[tuple[dt.date, bool, str]] = field(default_factory=list)


def _parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))


def _parse_kind(value) -> bool:
    text = str(value or "").strip().lower()
    if text in OFF_WORDS:
        return False
    if text in WORK_WORDS:
        return True
    raise ValueError(text)


def _rows_from_file(name: str, data: bytes) -> list[list]:
    if len(data) > MAX_FILE_BYTES:
        raise CalendarImportError([f"文件过大（上限 {MAX_FILE_BYTES // (1024 * 1024)}MB）。"])
    if name.lower().endswith(".xlsx"):
        from .xlsx import XlsxRefused, xlsx_open, xlsx_rows

        try:
            # core.xlsx refuses a zip bomb before openpyxl inflates it; a year has at most 366 days.
            return [list(r) for r in xlsx_rows(xlsx_open(data), max_rows=MAX_ROWS)]
        except XlsxRefused as exc:
            raise CalendarImportError([exc.message]) from exc
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gbk"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CalendarImportError(["CSV文件编码无法识别，请使用UTF-8或GBK。"])
        rows = []
        for row in csv.reader(io.StringIO(text)):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise CalendarImportError([f"文件行数过多（上限 {MAX_ROWS} 行），请拆分文件后重新上传。"])
        return rows
    raise CalendarImportError(["只支持 .xlsx 或 .csv 文件。"])


def parse_rows(rows: list[list], *, year: int | None = None) -> list[tuple[dt.date, bool, str]]:
    """Check every row; raise CalendarImportError with all problems, or return the parsed rows."""
    errors: list[str] = []
    out: list[tuple[dt.date, bool, str]] = []
    seen: dict[dt.date, int] = {}
    start = 0
    if rows and rows[0] and str(rows[0][0] or "").strip() in {"日期", "date", "Date"}:
        start = 1
    for i, row in enumerate(rows[start:], start=start + 1):
        cells = list(row) + [None, None, None]
        if all(c in (None, "") for c in cells[:3]):
            continue
        try:
            day = _parse_date(cells[0])
        except (ValueError, TypeError):
            errors.append(f"第{i}行：日期“{cells[0]}”无法识别（应为 2026-10-01）。")
            continue
        try:
            working = _parse_kind(cells[1])
        except ValueError:
            errors.append(f"第{i}行：类型“{cells[1] or ''}”应为“放假”或“上班”。")
            continue
        if year and day.year != year:
            errors.append(f"第{i}行：{day:%Y-%m-%d}不属于{year}年。")
            continue
        if day in seen:
            errors.append(f"第{i}行：{day:%Y-%m-%d}与第{seen[day]}行重复。")
            continue
        if working and day.weekday() < 5:
            errors.append(f"第{i}行：{day:%Y-%m-%d}是工作日（周{'一二三四五'[day.weekday()]}），无需设为调休上班。")
            continue
        seen[day] = i
        out.append((day, working, str(cells[2] or "").strip()[:60]))
    if errors:
        raise CalendarImportError(errors)
    if not out:
        raise CalendarImportError(["文件中没有可导入的日期。"])
    return out


@transaction.atomic
def calendar_save(rows: list[tuple[dt.date, bool, str]], *, replace_year: int | None = None) -> ImportResult:
    """Write parsed rows; with ``replace_year`` the year's rows not in the file are removed."""
    result = ImportResult(rows=rows)
    existing = {c.date: c for c in CalendarDay.objects.filter(date__in=[r[0] for r in rows])}
    new = []
    for day, working, name in rows:
        row = existing.get(day)
        if row is None:
            new.append(CalendarDay(date=day, is_working_day=working, name=name))
        elif row.is_working_day != working or row.name != name:
            row.is_working_day, row.name = working, name
            row.save(update_fields=["is_working_day", "name"])
            result.updated += 1
    CalendarDay.objects.bulk_create(new)
    result.created = len(new)
    if replace_year:
        result.deleted, _ = CalendarDay.objects.filter(date__year=replace_year).exclude(
            date__in=[r[0] for r in rows]).delete()
    return result


def calendar_import_file(*, name: str, data: bytes, year: int | None = None, replace: bool = True) -> ImportResult:
    rows = parse_rows(_rows_from_file(name, data), year=year)
    return calendar_save(rows, replace_year=year if replace else None)


def calendar_load_official(year: int) -> ImportResult:
    if year not in OFFICIAL:
        raise CalendarImportError([f"没有内置{year}年的节假日安排，请从文件导入。"])
    rows = [(dt.date.fromisoformat(d), working, name) for d, name, working in OFFICIAL[year]]
    return calendar_save(rows, replace_year=year)
