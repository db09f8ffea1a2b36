"""Roll-up reports: produced on demand and by beat, kept, downloadable, same figures as the dashboard."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from core.models import OutboxMessage
from core.scoping import Role
from dashboards.models import RollupReport
from dashboards.periods import make_period, parse_period
from dashboards.selectors import Filters, dashboard_data, unit_table
from dashboards.services import rollup_request, rollups_ensure_periodic
from dashboards.xlsx import overview_rows
from tests.factories import make_user


def _open(report):
    with report.file.open("rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def test_xlsx_rollup_has_the_dashboards_figures(world, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period = make_period("year", dt.date(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        report = rollup_request(committee=world.city, period=period)
    report.refresh_from_db()
    assert report.status == "done" and report.progress == 100 and report.file.name.endswith(".xlsx")
    wb = _open(report)
    ws = wb["概览"]
    in_file = {(r[0], r[1]): r[2] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    data = dashboard_data(Filters(period=period, committee_ids=[world.city.pk, world.A.pk, world.B.pk]))
    expected = {(s, label): value for s, label, value, _ in overview_rows(data)}
    assert in_file == expected
    assert in_file[("委员工作室", "接待群众")] == 6  # A 4 + B 2, hand-counted
    assert in_file[("联系覆盖", "在任委员")] == 4
    # the side-by-side sheet of a city report
    rows = {r[0]: r[1:] for r in wb["各县（区）"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"测试市", "甲县", "乙县", "合计"}
    # the fair table sheet
    units = {r[1]: r for r in wb["承办单位"].iter_rows(min_row=2, values_only=True)}
    table = unit_table(committee_ids=[world.city.pk, world.A.pk, world.B.pk], period=period)
    u1 = next(r for r in table["ranked"] if r["unit_id"] == world.U1.pk)
    assert units[u1["name"]][2] == 3 and units[u1["name"]][4] == 28
    assert "2026年" in ws["A1"].value


def test_double_request_enqueues_once(world):
    period = make_period("month", dt.date(2026, 10, 1))
    r1 = rollup_request(committee=world.A, period=period)
    r2 = rollup_request(committee=world.A, period=period)
    assert r1.pk == r2.pk
    assert OutboxMessage.objects.filter(task_name="dashboards.generate_rollup").count() == 1


def test_redelivered_generation_does_nothing_twice(world, settings, tmp_path):
    from dashboards.services import rollup_generate

    settings.MEDIA_ROOT = tmp_path
    report = rollup_request(committee=world.A, period=make_period("month", dt.date(2026, 10, 1)))
    assert rollup_generate(report_id=report.pk) is True
    assert rollup_generate(report_id=report.pk) is False  # at-least-once delivery: second run is a no-op


def test_beat_makes_last_periods_rollups_on_the_first_day(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            created = rollups_ensure_periodic()
        assert created == 3 * 3  # month, quarter, year for the city and both counties
        got = set(RollupReport.objects.values_list("committee_id", "kind", "label"))
        assert (world.A.pk, "month", "2026年12月") in got
        assert (world.A.pk, "quarter", "2026年第四季度") in got
        assert (world.city.pk, "year", "2026年") in got
        assert set(RollupReport.objects.values_list("status", flat=True)) == {"done"}
        assert rollups_ensure_periodic() == 0  # idempotent


def test_rollup_page_button_progress_and_download(world, client, settings, tmp_path,
                                                  django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    staff = make_user("roll_staff", Role.STAFF, committee=world.A)
    client.force_login(staff)
    # The request only queues (no broker work inside the request); the status endpoint shows progress.
    r = client.post(reverse("dashboards:rollup-create"), {"kind": "month", "period": "2026-10", "committee": world.A.pk})
    assert r.status_code == 302
    report = RollupReport.objects.get()
    status = client.get(reverse("dashboards:rollup-status", args=[report.pk])).json()
    assert status["status"] == "pending" and status["progress"] == 0 and status["download"] == ""
    from dashboards.services import rollup_generate

    rollup_generate(report_id=report.pk)
    status = client.get(reverse("dashboards:rollup-status", args=[report.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100
    f = client.get(status["download"])
    assert f.status_code == 200 and f["Content-Type"].startswith("application/vnd.openxmlformats")
    html = client.get(reverse("dashboards:rollups")).content.decode()
    assert "下载 .xlsx" in html


def test_rollup_form_errors_are_shown_in_chinese(world, client):
    staff = make_user("roll_staff2", Role.STAFF, committee=world.A)
    client.force_login(staff)
    r = client.post(reverse("dashboards:rollup-create"), {"kind": "quarter", "period": "2026-10",
                                                          "committee": world.A.pk})
    assert r.status_code == 400 and "季报的期间应填写季度" in r.content.decode()


def test_other_committees_reports_are_404(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = rollup_request(committee=world.B, period=parse_period("2026-10"))
    client.force_login(world.leader)  # county A
    assert client.get(reverse("dashboards:rollup-status", args=[report.pk])).status_code == 404
    assert client.get(reverse("dashboards:rollup-download", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("code,kind,start,end", [
    ("2026-11", "month", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    ("2026-Q1", "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("2024", "year", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
])
def test_period_parsing(code, kind, start, end):
    p = parse_period(code)
    assert (p.kind, p.start, p.end, p.code) == (kind, start, end, code)
    assert p.previous().end == start - dt.timedelta(days=1)


def test_rollup_list_query_count_is_constant(world, client, django_assert_num_queries):
    from django.db import connection

    from tests.dashboards.test_views import _count_queries

    staff = make_user("roll_staff3", Role.STAFF, committee=world.A)
    client.force_login(staff)
    for i in range(1, 6):
        rollup_request(committee=world.A, period=parse_period(f"2025-{i:02d}"))
    client.get(reverse("dashboards:rollups"))
    small = _count_queries(lambda: client.get(reverse("dashboards:rollups")))
    for i in range(6, 13):
        rollup_request(committee=world.A, period=parse_period(f"2025-{i:02d}"))
    for q in range(1, 5):
        rollup_request(committee=world.B, period=parse_period(f"2025-Q{q}"))
    connection.queries_log.clear()
    with django_assert_num_queries(small):
        assert client.get(reverse("dashboards:rollups")).status_code == 200
