"""/api/v1/dashboard/…: the same figures as the page, the same scoping."""

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from core.scoping import Role
from dashboards.periods import parse_period
from dashboards.selectors import Filters, dashboard_data
from tests.factories import make_user
from tests.factories.dashboards import EXPECTED_A, EXPECTED_B


@pytest.fixture
def api():
    return APIClient()


def _figure(data, metric):
    for section in ("coverage", "workstations", "consultations", "proposals", "opinions", "members"):
        for f in data[section]["figures"]:
            if f["metric"] == metric:
                return f["value"]
    raise KeyError(metric)


def test_summary_matches_the_page_figures(world, api):
    api.force_authenticate(world.leader)
    r = api.get("/api/v1/dashboard/summary/", {"period": "2026"})
    assert r.status_code == 200
    body = r.json()
    page = dashboard_data(Filters(period=parse_period("2026"), committee_ids=[world.A.pk]))
    page.pop("charts")
    assert body["coverage"] == page["coverage"] and body["proposals"] == page["proposals"]
    assert _figure(body, "ws.reception_days") == EXPECTED_A["ws.reception_days"]
    assert "charts" not in body


def test_city_summary_sums_counties_and_lists_them(world, api):
    staff = make_user("api_city", Role.STAFF, committee=world.city)
    api.force_authenticate(staff)
    body = api.get("/api/v1/dashboard/summary/", {"period": "2026"}).json()
    assert _figure(body, "ws.visits") == EXPECTED_A["ws.visits"] + EXPECTED_B["ws.visits"]
    assert {r["name"] for r in body["by_committee"]["rows"]} == {"测试市", "甲县", "乙县", "合计"}
    only_b = api.get("/api/v1/dashboard/summary/", {"period": "2026", "committee": world.B.pk}).json()
    assert _figure(only_b, "ws.visits") == EXPECTED_B["ws.visits"]


def test_committee_outside_scope_is_a_field_error(world, api):
    api.force_authenticate(world.leader)
    r = api.get("/api/v1/dashboard/summary/", {"committee": world.B.pk})
    assert r.status_code == 400 and "committee" in r.json()


def test_bad_period_is_a_field_error(world, api):
    api.force_authenticate(world.leader)
    r = api.get("/api/v1/dashboard/summary/", {"period": "last year"})
    assert r.status_code == 400 and "统计期间格式不正确" in r.json()["period"][0]["message"]


def test_member_and_unit_logins_get_403(world, api):
    for user in (make_user("api_member", Role.MEMBER, member=world.m2), make_user("api_unit", Role.UNIT, unit=world.U1)):
        api.force_authenticate(user)
        assert api.get("/api/v1/dashboard/summary/").status_code == 403
        assert api.get("/api/v1/dashboard/rollups/").status_code == 403


def test_anonymous_gets_401_or_403(world, api):
    assert api.get("/api/v1/dashboard/summary/").status_code in (401, 403)


def test_units_endpoint(world, api):
    api.force_authenticate(world.leader)
    body = api.get("/api/v1/dashboard/units/", {"period": "2026"}).json()
    assert [r["name"] for r in body["ranked"]] == ["甲县住建局"]
    assert body["ranked"][0]["median_working_days"] == 28


def test_summary_query_count_is_constant(world, api, django_assert_num_queries):
    from tests.dashboards.test_views import _count_queries, _grow
    from django.db import connection

    api.force_authenticate(world.leader)
    _grow(world, 5)
    ContentType.objects.clear_cache()
    api.get("/api/v1/dashboard/summary/", {"period": "2026"})  # warm the user's cached scope
    small = _count_queries(lambda: api.get("/api/v1/dashboard/summary/", {"period": "2026"}))
    _grow(world, 50)
    connection.queries_log.clear()
    with django_assert_num_queries(small):
        assert api.get("/api/v1/dashboard/summary/", {"period": "2026"}).status_code == 200


def test_rollup_api_create_list_and_download(world, api, django_capture_on_commit_callbacks):
    import io

    from openpyxl import load_workbook

    staff = make_user("api_staff", Role.STAFF, committee=world.A)
    api.force_authenticate(staff)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/v1/dashboard/rollups/", {"kind": "quarter", "period": "2026-Q3", "committee": world.A.pk},
                     format="json")
    assert r.status_code == 202, r.content
    listing = api.get("/api/v1/dashboard/rollups/").json()
    row = next(x for x in listing["results"] if x["id"] == r.json()["id"])
    assert row["status"] == "done" and row["progress"] == 100 and row["download_url"]
    f = api.get(f"/api/v1/dashboard/rollups/{row['id']}/download/")
    assert f.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(f.streaming_content)))
    assert "概览" in wb.sheetnames


def test_leader_cannot_create_rollup_through_api(world, api):
    api.force_authenticate(world.leader)
    r = api.post("/api/v1/dashboard/rollups/", {"kind": "month", "period": "2026-10", "committee": world.A.pk},
                 format="json")
    assert r.status_code == 403


def test_rollup_request_with_mismatched_period_is_400(world, api):
    staff = make_user("api_staff2", Role.STAFF, committee=world.A)
    api.force_authenticate(staff)
    r = api.post("/api/v1/dashboard/rollups/", {"kind": "month", "period": "2026", "committee": world.A.pk},
                 format="json")
    assert r.status_code == 400 and "period" in r.json()
