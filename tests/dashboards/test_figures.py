"""Dashboard figures against the hand-counted world (tests/factories/dashboards.py)."""

import datetime as dt

from dashboards.periods import make_period, parse_period
from dashboards.selectors import Filters, dashboard_data, unit_table
from tests.factories.dashboards import EXPECTED_A, EXPECTED_B, EXPECTED_U1


def figures(data):
    out = {}
    for section in ("coverage", "workstations", "consultations", "proposals", "opinions", "members"):
        for f in data[section]["figures"]:
            out[(f["metric"], f["label"])] = f["value"]
    return out


def fig(data, metric, label=None):
    values = [v for (m, lbl), v in figures(data).items() if m == metric and (label is None or lbl == label)]
    assert values, f"no figure for {metric}"
    return values[0]


def year(w, *ids, **dims):
    return dashboard_data(Filters(period=parse_period("2026"), committee_ids=list(ids), **dims))


def test_county_figures_match_hand_count(world):
    data = year(world, world.A.pk)
    e = EXPECTED_A
    for metric in ("members.active", "coverage.assigned", "coverage.unassigned", "coverage.communities",
                   "coverage.uncovered", "ws.active", "ws.reception_days", "ws.idle_month", "cons.open",
                   "cons.overdue", "cons.held", "cons.outcomes_assigned", "cons.outcomes_reported",
                   "cons.outcomes_overdue", "prop.submitted", "prop.filed", "prop.answered", "prop.open",
                   "prop.overdue", "op.received", "op.forwarded", "op.answered", "op.carried_back",
                   "op.people_reached", "op.overdue", "points", "members.under_threshold"):
        assert fig(data, metric) == e[metric], metric
    assert fig(data, "ws.visits", "接待群众") == e["ws.visits"]
    assert fig(data, "ws.visits", "帮办实事") == e["ws.helped"]
    assert fig(data, "op.instructions", "领导批示") == e["op.instructions"]
    assert fig(data, "op.instructions", "批示待落实") == 1
    assert fig(data, "cons.follow_ups", "回头看") == e["cons.follow_ups"]
    assert fig(data, "cons.follow_ups", "回头看群众满意率") == 90.0  # (8 + 1) / 10
    assert fig(data, "prop.evaluated", "委员评价") == 1
    assert fig(data, "prop.evaluated", "满意率（满意+基本满意）") == 100.0
    assert {c["key"]: c["value"] for c in data["proposals"]["classes"]} == {"A": 1, "B": 0, "C": 0}
    assert {t["name"]: t["members"] for t in data["coverage"]["townships"]} == e["township_members"]
    steps = {s["key"]: (s["open"], s["overdue"]) for s in data["consultations"]["steps"]}
    assert steps["researching"] == (1, 1) and steps["held"] == (1, 0) and steps["follow_up"] == (0, 0)
    assert [(u["name"], u["value"]) for u in data["proposals"]["overdue_units"]] == [("甲县交通局", 1)]
    assert [(r["name"], r["points"]) for r in data["members"]["ranking"]] == [("甲委员一", 70), ("甲委员二", 10)]


def test_monthly_series_put_events_in_their_month(world):
    data = year(world, world.A.pk)
    s = data["series"]
    assert len(s["buckets"]) == 11  # January to November: no empty future month (today is 20 November)
    assert s["reception_days"][9] == 2 and s["reception_days"][10] == 1  # October, November
    assert s["visits"][9] == 1 and s["visits"][10] == 3
    month = dashboard_data(Filters(period=parse_period("2026-11"), committee_ids=[world.A.pk]))
    # A month's charts show the twelve months up to it; its figures only that month.
    assert month["series"]["buckets"][0] == "2025-12-01" and len(month["series"]["buckets"]) == 12
    assert month["series"]["labels"][0] == "2025-12"
    assert month["series"]["visits"][-2:] == [1, 3]
    assert fig(month, "ws.reception_days") == 1
    assert fig(month, "ws.visits", "接待群众") == 3


def test_period_excludes_events_outside_it(world):
    q3 = dashboard_data(Filters(period=parse_period("2026-Q3"), committee_ids=[world.A.pk]))
    assert fig(q3, "ws.reception_days") == 0
    assert fig(q3, "points") == 40  # m1 on 1 July
    last_year = dashboard_data(Filters(period=parse_period("2025"), committee_ids=[world.A.pk]))
    assert fig(last_year, "points") == 50


def test_township_filter_narrows_metrics_split_by_township(world):
    data = year(world, world.A.pk, township=world.T1.pk)
    assert fig(data, "ws.reception_days") == 2
    assert fig(data, "ws.visits", "接待群众") == 3
    assert fig(data, "coverage.uncovered") == 1  # c2 is in T1
    assert [t["name"] for t in data["coverage"]["townships"]] == ["甲一街道"]
    # Proposals are not split by township: the filter leaves them whole.
    assert fig(data, "prop.filed") == 2


def test_sector_and_special_committee_filters(world):
    data = year(world, world.A.pk, sector=world.S1.pk)
    assert fig(data, "members.active") == 2  # m1, m4
    assert fig(data, "prop.submitted") == 2  # P1, P3 by m1
    assert fig(data, "points") == 70
    assert fig(data, "members.under_threshold") == 1  # m4
    other = year(world, world.A.pk, special_committee=world.SC3.pk)
    assert fig(other, "members.active") == 0


def test_city_sees_counties_side_by_side_and_summed(world):
    data = year(world, world.city.pk, world.A.pk, world.B.pk)
    for metric in ("members.active", "ws.reception_days", "coverage.uncovered", "members.under_threshold"):
        assert fig(data, metric) == EXPECTED_A[metric] + EXPECTED_B[metric], metric
    assert fig(data, "ws.visits", "接待群众") == EXPECTED_A["ws.visits"] + EXPECTED_B["ws.visits"]
    labels = [m["metric"] for m in data["by_committee"]["metrics"]]
    rows = {r["name"]: dict(zip(labels, [v["value"] for v in r["values"]])) for r in data["by_committee"]["rows"]}
    assert set(rows) == {"测试市", "甲县", "乙县", "合计"}
    assert rows["甲县"]["ws.reception_days"] == 3 and rows["乙县"]["ws.reception_days"] == 1
    assert rows["测试市"]["ws.reception_days"] == 0
    assert rows["合计"]["ws.reception_days"] == 4
    assert rows["合计"]["members.active"] == rows["甲县"]["members.active"] + rows["乙县"]["members.active"] == 4
    assert any(c["id"] == "committees" for c in data["charts"])


def test_county_dashboard_has_no_side_by_side_table(world):
    data = year(world, world.A.pk)
    assert data["by_committee"]["rows"] == []


def test_unit_table_is_fair_and_uses_working_days(world):
    table = unit_table(committee_ids=[world.A.pk], period=make_period("year", dt.date(2026, 1, 1)))
    assert table["min_volume"] == 3
    ranked = {r["name"]: r for r in table["ranked"]}
    assert set(ranked) == {"甲县住建局"}
    u1 = ranked["甲县住建局"]
    for k, v in EXPECTED_U1.items():
        assert u1[k] == v, k
    assert u1["rank"] == 1 and u1["rehandling_rate"] == 0.0 and u1["trend_on_time"] is None
    unranked = {r["name"]: r for r in table["unranked"]}
    assert unranked["甲县交通局"]["answered"] == 0
    assert unranked["甲县交通局"]["overdue_now"] == 2  # P2 answer + outcome O2


def test_unit_below_minimum_volume_is_not_ranked(world, settings):
    table = unit_table(committee_ids=[world.A.pk], period=make_period("year", dt.date(2026, 1, 1)), min_volume=4)
    assert table["ranked"] == []
    assert {r["name"] for r in table["unranked"]} == {"甲县住建局", "甲县交通局"}


def test_unit_trend_compares_with_previous_period(world):
    from tests.factories.dashboards import at
    from opinions.models import Forwarding, UnitFeedback

    from dashboards.refresh import stats_refresh

    # 2027 Q1 (next year): U1 answers 3 opinion reports, one late; previous period (2026 Q4) had none.
    for i, late in enumerate([False, False, True]):
        f = Forwarding.objects.create(report=world.R1, unit=world.U1, forwarded_at=at(2026, 10, 1 + i),
                                      due_at=at(2026, 10, 20), is_active=False)
        UnitFeedback.objects.create(report=world.R1, forwarding=f, unit=world.U1, content="x",
                                    proposed_outcome="resolved", answered_at=at(2026, 10, 25 if late else 10))
    stats_refresh(full=True)
    q4 = unit_table(committee_ids=[world.A.pk], period=make_period("quarter", dt.date(2026, 10, 1)))
    u1 = q4["ranked"][0]
    assert (u1["answered"], u1["on_time"]) == (3, 2)
    assert u1["on_time_share"] == 66.7
    assert u1["trend_on_time"] is None  # Q3 had fewer answers than the minimum volume
    q2 = unit_table(committee_ids=[world.A.pk], period=make_period("quarter", dt.date(2026, 4, 1)))
    assert q2["unranked"][0]["answered"] + q2["unranked"][1]["answered"] == 2  # opinion (Apr) + outcome (Jun)


def test_coverage_agrees_with_the_members_coverage_summary(world):
    """The dashboard's coverage (from the summary rows) and the members app's live coverage check
    count the same things."""
    from members.selectors import coverage_summary

    live = coverage_summary([world.A.pk])
    data = year(world, world.A.pk)
    assert fig(data, "coverage.uncovered") == live["totals"]["uncovered"]
    assert fig(data, "coverage.communities") == live["totals"]["communities"]
    assert fig(data, "coverage.assigned") == live["totals"]["members_assigned"]
    assert fig(data, "members.active") == live["totals"]["members"]
    assert {t["name"]: t["members"] for t in data["coverage"]["townships"]} == {
        t["name"]: t["members"] for t in live["townships"]}
