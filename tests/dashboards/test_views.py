"""The dashboard pages: who may see them, filters, links to the lists behind figures, constant queries."""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from core.scoping import Role
from dashboards.refresh import stats_refresh
from members.models import PointEntry, PointRule
from tests.factories import MemberFactory, make_user
from tests.factories.dashboards import EXPECTED_A


@pytest.fixture
def leader(world):
    return world.leader


@pytest.fixture
def city_staff(world):
    return make_user("city_staff", Role.STAFF, committee=world.city)


def test_member_cannot_open_dashboard(world, client):
    make_user("plain_member", Role.MEMBER, member=world.m1)
    client.login(username="plain_member", password="pw")
    assert client.get(reverse("dashboards:home")).status_code == 403
    assert client.get(reverse("dashboards:drill", args=["members.active"])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    r = client.get(reverse("dashboards:home"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_home_redirects_leader_to_dashboard(world, client, leader):
    client.force_login(leader)
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == reverse("dashboards:home")


def test_dashboard_shows_figures_with_links(world, client, leader):
    client.force_login(leader)
    r = client.get(reverse("dashboards:home"), {"period": "2026"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="figure-ws.reception_days"' in html
    m = re.search(r'href="([^"]+)" data-metric="ws.reception_days"', html)
    assert m and "/dashboard/list/ws.reception_days/" in m.group(1)
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert 'id="dashboard-charts"' in html


def test_every_figure_link_opens_a_list_with_the_same_total(world, client, leader):
    """Follow each figure of the dashboard to the list behind it: the list sums to the figure."""
    from dashboards.selectors import Filters, dashboard_data
    from dashboards.periods import parse_period
    from html import unescape

    client.force_login(leader)
    data = dashboard_data(Filters(period=parse_period("2026"), committee_ids=[world.A.pk]))
    checked = 0
    for section in ("coverage", "workstations", "consultations", "proposals", "opinions", "members"):
        for f in data[section]["figures"]:
            if f["unit"] == "%":
                continue  # rates are not counts
            r = client.get(unescape(f["link"]))
            assert r.status_code == 200, f["link"]
            total = int(re.search(r'data-testid="drill-total">(\d+)<', r.content.decode()).group(1))
            assert total == f["value"], (f["label"], f["link"])
            checked += 1
    assert checked >= 30


def test_drill_list_of_township_members(world, client, leader):
    client.force_login(leader)
    r = client.get(reverse("dashboards:drill", args=["coverage.township_members"]), {"township": world.T1.pk})
    html = r.content.decode()
    assert "甲委员一" in html and "甲委员二" in html and "甲委员三" not in html


def test_drill_unknown_metric_is_404(world, client, leader):
    client.force_login(leader)
    assert client.get(reverse("dashboards:drill", args=["nope"])).status_code == 404


def test_drill_never_shows_rows_outside_the_users_scope(world, client):
    """A county B leader asking for county A's figures sees nothing of A."""
    make_user("leader_b", Role.LEADER, committee=world.B)
    client.login(username="leader_b", password="pw")
    r = client.get(reverse("dashboards:drill", args=["ws.visits"]), {"period": "2026", "committee": world.A.pk})
    assert r.status_code == 200
    assert 'data-testid="drill-total">2<' in r.content.decode()  # only B's own two visits


def test_invalid_period_shows_a_chinese_error_not_500(world, client, leader):
    client.force_login(leader)
    r = client.get(reverse("dashboards:home"), {"period": "2026-13x"})
    assert r.status_code == 400  # bad input is a 4xx with the field error on the page (issue 10)
    assert "统计期间格式不正确" in r.content.decode()


def test_township_outside_scope_is_a_field_error(world, client, leader):
    client.force_login(leader)
    r = client.get(reverse("dashboards:home"), {"township": world.T3.pk})
    assert r.status_code == 400
    assert "errorlist" in r.content.decode()


def test_city_staff_sees_counties_side_by_side(world, client, city_staff):
    client.force_login(city_staff)
    html = client.get(reverse("dashboards:home"), {"period": "2026"}).content.decode()
    assert 'data-testid="committee-table"' in html
    assert "甲县" in html and "乙县" in html and "合计" in html


def test_units_page_ranks_and_explains(world, client, leader):
    client.force_login(leader)
    html = client.get(reverse("dashboards:units"), {"period": "2026"}).content.decode()
    assert "甲县住建局" in html and "不参与排名" in html


def _count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log is capped: a big refresh before would hide the count
    with CaptureQueriesContext(connection) as ctx:
        fn()
    assert ctx.captured_queries
    return len(ctx.captured_queries)


def _grow(world, n):
    """n more members with points, visits and proposals: the dashboard's query count must not move."""
    from proposals.models import Proposal
    from tests.factories.dashboards import at
    from workstations.models import Visit

    rule = PointRule.objects.get(code="test.act")
    session = world.P1.session
    for i in range(n):
        m = MemberFactory(committee=world.A, sector=world.S1, special_committee=world.SC1)
        PointEntry.objects.create(member=m, rule=rule, points=i + 1, occurred_on=dt.date(2026, 5, 1 + i % 28))
        Visit.objects.create(workstation=world.W1, received_on=dt.date(2026, 6, 1 + i % 28), issue="x")
        Proposal.objects.create(committee=world.A, session=session, member=m, title=f"grow {i}", content="x",
                                status="submitted", submitted_at=at(2026, 8, 1 + i % 28))
    stats_refresh(full=True)


@pytest.mark.parametrize("url_name", ["dashboards:home", "dashboards:units"])
def test_dashboard_query_count_is_constant_in_data_size(world, client, leader, django_assert_num_queries, url_name):
    client.force_login(leader)
    url = reverse(url_name)
    params = {"period": "2026", "township": world.T1.pk, "sector": world.S1.pk}
    _grow(world, 5)
    ContentType.objects.clear_cache()
    client.get(url, params)  # warm per-process caches (sessions, content types)
    small = _count_queries(lambda: client.get(url, params))
    _grow(world, 50)
    ContentType.objects.clear_cache()
    client.get(url, params)
    connection.queries_log.clear()
    with django_assert_num_queries(small):
        assert client.get(url, params).status_code == 200


def test_drill_list_query_count_is_constant(world, client, leader, django_assert_num_queries):
    client.force_login(leader)
    url = reverse("dashboards:drill", args=["ws.visits"])
    _grow(world, 5)
    client.get(url, {"period": "2026"})
    small = _count_queries(lambda: client.get(url, {"period": "2026"}))
    _grow(world, 50)
    connection.queries_log.clear()
    with django_assert_num_queries(small):
        client.get(url, {"period": "2026"})


def test_refresh_button_is_for_staff_only(world, client, leader):
    client.force_login(leader)
    assert client.post(reverse("dashboards:refresh")).status_code == 403


def test_staff_refresh_button_refreshes(world, client, django_capture_on_commit_callbacks):
    from workstations.models import Visit

    staff = make_user("staff_a", Role.STAFF, committee=world.A)
    client.force_login(staff)
    Visit.objects.create(workstation=world.W1, received_on=dt.date(2026, 11, 19), issue="新问题")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("dashboards:refresh"), {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == reverse("dashboards:home")
    html = client.get(reverse("dashboards:home"), {"period": "2026"}).content.decode()
    assert re.search(r'data-testid="figure-ws.visits">\s*<span class="figure-value">%d<' % (EXPECTED_A["ws.visits"] + 1),
                     html)


def test_city_cell_links_list_only_that_committees_rows(world, client, city_staff):
    """The side-by-side table: a county's cell lists that county; the city's own cell only the city's."""
    from dashboards.periods import parse_period
    from dashboards.selectors import Filters, dashboard_data

    client.force_login(city_staff)
    data = dashboard_data(Filters(period=parse_period("2026"), committee_ids=[world.city.pk, world.A.pk, world.B.pk]))
    codes = [m["metric"] for m in data["by_committee"]["metrics"]]
    for row in data["by_committee"]["rows"]:
        cell = row["values"][codes.index("ws.visits")]
        r = client.get(cell["link"].replace("&amp;", "&"))
        total = int(re.search(r'data-testid="drill-total">(\d+)<', r.content.decode()).group(1))
        assert total == cell["value"], row["name"]


def test_drill_rows_link_to_the_items_own_pages(world, client, leader):
    client.force_login(leader)
    html = client.get(reverse("dashboards:drill", args=["ws.visits"]), {"period": "2026", "key": "helped"}).content.decode()
    assert 'data-testid="drill-total">1<' in html
    visit_pk = world.W1.visits.get(outcome="helped").pk
    assert f'href="{reverse("workstations:visit-detail", args=[visit_pk])}"' in html
    html = client.get(reverse("dashboards:drill", args=["prop.overdue"]), {"unit": world.U2.pk}).content.decode()
    assert f'href="{reverse("proposals:detail", args=[world.P2.pk])}"' in html


def test_points_drill_for_one_member_sums_the_ranking_figure(world, client, leader):
    client.force_login(leader)
    html = client.get(reverse("dashboards:drill", args=["points.member"]), {"period": "2026", "ref": world.m1.pk}).content.decode()
    assert 'data-testid="drill-total">70<' in html
    assert "甲委员一" in html and "甲委员二" not in html
