"""The leaders' dashboard in real Chromium on county demo data: every chart drawn with data, a
figure followed to its list, a chart bar clicked through, a roll-up requested and downloaded."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ["coverage", "workstations", "consultations", "proposals", "proposal_classes", "proposal_satisfaction",
          "proposal_overdue_units", "opinions", "ranking"]

SERIES_LENGTHS = """() => Object.fromEntries(Object.entries(window.dashboardCharts).map(([id, chart]) => [id,
    chart.getOption().series.map(s => s.data.filter(d => Number(d && typeof d === 'object' ? d.value : d) > 0).length)]))"""


def test_leader_dashboard_on_demo_data(page, live_server, artifacts_dir, settings, tmp_path):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--scale", "county", "--quiet", "--password", "pw")
    year = timezone.localdate().year
    browser_login(page, live_server, "leader")
    page.goto(f"{live_server.url}/dashboard/?period={year}")
    page.wait_for_function("window.dashboardCharts && Object.keys(window.dashboardCharts).length >= %d" % len(CHARTS))
    lengths = page.evaluate(SERIES_LENGTHS)
    empty = [c for c in CHARTS if not sum(lengths.get(c, []))]
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
    assert not empty, f"charts drawn without data: {empty} ({lengths})"
    # No script or stylesheet comes from elsewhere than the portal itself.
    srcs = page.evaluate("() => [...document.scripts].map(s => s.src).concat([...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)).filter(Boolean)")
    assert srcs and all(s.startswith(live_server.url) for s in srcs), srcs

    # Follow a figure to the list behind it: the list's total is the figure.
    figure = page.locator('[data-testid="figure-ws.visits"]').first
    value = int(re.sub(r"\D", "", figure.locator(".figure-value").inner_text()))
    assert value > 0
    figure.click()
    page.wait_for_url(re.compile(r".*/dashboard/list/ws\.visits/.*"))
    assert int(page.inner_text('[data-testid="drill-total"]')) == value
    assert page.locator('[data-testid="drill-table"] tbody tr').count() > 0

    # Click the first bar of the ranking chart with the mouse: ECharts' click handler opens the list.
    page.goto(f"{live_server.url}/dashboard/?period={year}")
    page.wait_for_function("window.dashboardCharts && window.dashboardCharts.ranking")
    # Bars grow in over a second; draw them at full length at once so the click lands on a bar
    # however loaded the machine is.
    page.evaluate("() => window.dashboardCharts.ranking.setOption({animation: false})")
    point = page.evaluate("""() => { const c = window.dashboardCharts.ranking; const s = c.getOption().series[0];
        const [x, y] = c.convertToPixel({seriesIndex: 0}, [s.data[0].value / 2, 0]);
        return {x, y, value: s.data[0].value}; }""")
    chart = page.locator('[data-chart="ranking"]')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url(re.compile(r".*/dashboard/list/points\.member/.*ref=\d+.*"))
    assert int(page.inner_text('[data-testid="drill-total"]')) == point["value"]

    # A roll-up on demand: the button queues it, the page polls its progress, the .xlsx downloads.
    page.context.clear_cookies()
    browser_login(page, live_server, "staff")
    assert "/accounts/login/" not in page.url
    last_month = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
    page.goto(f"{live_server.url}/dashboard/rollups/")
    page.select_option('[data-testid="rollup-form"] select[name=kind]', "month")
    page.fill('[data-testid="rollup-form"] input[name=period]', last_month)
    page.click('[data-testid="rollup-form"] button[type=submit]')
    page.wait_for_selector("text=下载 .xlsx")
    with page.expect_download() as dl:
        page.locator("a", has_text="下载 .xlsx").first.click()
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
    overview = {(r[0], r[1]): r[2] for r in wb["概览"].iter_rows(min_row=5, values_only=True) if r[0]}
    page.goto(f"{live_server.url}/dashboard/?period={last_month}")
    shown = int(re.sub(r"\D", "", page.locator('[data-testid="figure-ws.reception_days"] .figure-value').inner_text()))
    assert overview[("委员工作室", "委员接待日")] == shown

    # Leaders read it on a phone too: one column, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/?period={year}")
    page.wait_for_function("window.dashboardCharts && Object.keys(window.dashboardCharts).length >= %d" % len(CHARTS))
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.screenshot(path=str(artifacts_dir / "dashboard-phone.png"), full_page=True)
