"""The working-day calendar: imported per year from .xlsx/.csv with per-row errors and no partial
import, the 2026 official schedule built in, and a staff page."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.calendar_import import CalendarImportError, calendar_import_file
from core.models import CalendarDay

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "类型", "说明"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_import_creates_holidays_and_make_up_days():
    data = _xlsx([(dt.date(2027, 10, 1), "放假", "国庆节"), ("2027-10-09", "上班", "国庆节")])
    result = calendar_import_file(name="2027.xlsx", data=data, year=2027)
    assert result.created == 2
    assert CalendarDay.objects.get(date="2027-10-09").is_working_day is True
    assert CalendarDay.objects.get(date="2027-10-01").is_working_day is False


def test_one_bad_row_imports_nothing_and_every_error_names_its_row():
    data = "日期,类型,说明\n2027-01-01,放假,元旦\n2027-13-01,放假,坏日期\n2027-01-04,上班,周一不用调休\n2027-02-01,加班,\n".encode()
    with pytest.raises(CalendarImportError) as exc:
        calendar_import_file(name="x.csv", data=data, year=2027)
    errors = exc.value.errors
    assert len(errors) == 3
    assert errors[0].startswith("第3行") and errors[1].startswith("第4行") and errors[2].startswith("第5行")
    assert not CalendarDay.objects.exists()


def test_replacing_a_year_removes_rows_no_longer_in_the_file():
    CalendarDay.objects.create(date="2027-05-06", is_working_day=False, name="旧")
    calendar_import_file(name="x.csv", data="日期,类型,说明\n2027-05-01,放假,劳动节\n".encode("gbk"), year=2027)
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["劳动节"]


def test_load_holidays_2026_command():
    call_command("load_holidays", "2026", stdout=io.StringIO())
    work = set(CalendarDay.objects.filter(is_working_day=True).values_list("date", flat=True))
    assert work == {dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 5, 9),
                    dt.date(2026, 9, 20), dt.date(2026, 10, 10)}
    assert CalendarDay.objects.filter(date__range=("2026-02-15", "2026-02-23"), is_working_day=False).count() == 9
    assert all(d.weekday() >= 5 for d in work)


def test_staff_page_imports_and_shows_errors(w, client):
    client.force_login(w.staff)
    bad = SimpleUploadedFile("bad.csv", "日期,类型,说明\n2028-01-01,休假吗,\n".encode())
    r = client.post("/opinions/calendar/", {"year": 2028, "file": bad, "replace": "on"})
    assert r.status_code == 200 and "第2行" in r.content.decode()
    good = SimpleUploadedFile("good.csv", "日期,类型,说明\n2028-01-01,放假,元旦\n".encode())
    r = client.post("/opinions/calendar/", {"year": 2028, "file": good, "replace": "on"}, follow=True)
    assert "元旦" in r.content.decode() and CalendarDay.objects.filter(date="2028-01-01").exists()


def test_leaders_read_the_calendar_but_cannot_import(w, client):
    client.force_login(w.leader)
    assert client.get("/opinions/calendar/").status_code == 200
    r = client.post("/opinions/calendar/", {"official": "2026"})
    assert r.status_code == 403 and not CalendarDay.objects.exists()
