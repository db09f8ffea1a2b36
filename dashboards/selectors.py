"""Read side of the dashboards: every figure summed from ``DailyStat`` with a fixed number of
queries, the fair table of handling units, and the drill-down lists behind the figures.

``dashboard_data`` returns plain data (numbers, labels, links) used alike by the page, the API and
the .xlsx roll-up, so the three always show the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.urls import reverse
from django.utils import timezone

from core.scoping import user_scope

from . import metrics as M
from .models import DailyStat, StatsRefresh
from .periods import Period

STEP_LABELS = {
    "topic_selected": "遴选议题", "researching": "组织调研", "held": "开展活动", "outcomes": "形成成果",
    "converting": "推动转化", "follow_up": "回头看",
}
PROPOSAL_STATUS_LABELS = {
    "submitted": "待审查", "filed": "已立案待交办", "assigned": "办理中", "answered": "待会签",
    "countersigned": "待分类审核", "class_reviewed": "待答复委员", "released": "待评价", "rehandling": "重新办理",
}
OPINION_OUTCOME_LABELS = {"resolved": "已解决", "in_progress": "正在办理", "beyond_remit": "超出管理范围",
                          "policy": "政策原因暂无法办理"}
EVALUATION_LABELS = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意", "not_evaluated": "逾期未评价"}
CARRY_BACK_LABELS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意", "partly": "部分解决"}
VISIT_OUTCOME_LABELS = {"pending": "待处理", "answered": "当场解答", "helped": "帮办实事", "referred": "转交承办单位",
                        "opinion": "转为社情民意", "proposal": "转为提案"}


def dashboard_committee_ids(user) -> list[int]:
    """The committees a dashboard user reads: their committee and, above county level, those below."""
    from members.models import Committee

    s = user_scope(user)
    if s.is_superuser:
        return list(Committee.objects.order_by("pk").values_list("pk", flat=True))
    if not s.is_office:
        return []
    return sorted(s.committee_ids)


@dataclass
class Filters:
    period: Period
    committee_ids: list[int]
    township: int | None = None
    sector: int | None = None
    special_committee: int | None = None
    extra: dict = field(default_factory=dict)

    def dims(self) -> dict:
        return {"township": self.township, "sector": self.sector, "special_committee": self.special_committee}

    def query(self, **more) -> dict:
        q = {"period": self.period.code}
        if self.extra.get("committee"):
            q["committee"] = self.extra["committee"]
            if self.extra.get("exact"):
                q["exact"] = 1
        for k, v in self.dims().items():
            if v:
                q[k] = v
        q.update({k: v for k, v in more.items() if v not in (None, "")})
        return q

    def link(self, metric: str, **more) -> str:
        """The drill-down list behind a figure (same period, filters and dimension values)."""
        cache = self.__dict__.setdefault("_drill_base", {})
        if metric not in cache:
            cache[metric] = reverse("dashboards:drill", args=[metric])
        return f"{cache[metric]}?{urlencode(self.query(**more))}"


def _dim_q(filters: Filters, codes) -> Q:
    """Apply each dimension filter to the metrics that split by it; others are left whole."""
    q = Q()
    for dim, value in filters.dims().items():
        if not value:
            continue
        with_dim = [c for c in codes if dim in M.REGISTRY[c].dims]
        q &= Q(**{f"{dim}_id": value}) | ~Q(metric__in=with_dim)
    return q


class _Sums:
    """Sums keyed by (metric, key, month) with totals over keys; the (metric, key) totals count only
    the months inside ``period`` (the charts may show months before it)."""

    def __init__(self, period: Period | None = None):
        self.data: dict = defaultdict(int)
        self.period = period

    def add(self, metric: str, key: str, value: int, *extra) -> None:
        self.data[(metric, key, *extra)] += value
        self.data[(metric, None, *extra)] += value
        if extra and (self.period is None or self.period.contains(extra[0])):
            self.data[(metric, key)] += value
            self.data[(metric, None)] += value

    def get(self, metric: str, key: str | None = None, *extra) -> int:
        return int(self.data.get((metric, key, *extra), 0))


def _pct(num: int, den: int) -> float | None:
    return round(num * 100.0 / den, 1) if den else None


def dashboard_data(filters: Filters) -> dict:
    """Every figure of the dashboard for ``filters``: fixed number of queries (see docs)."""
    from members.models import Committee, HandlingUnit, Member, Township

    p = filters.period
    ids = filters.committee_ids
    registry = M.available()
    flow_codes = [c for c, m in registry.items()
                  if m.kind == M.FLOW and not c.startswith("unit.") and "ref" not in m.dims]
    snap_codes = [c for c, m in registry.items() if m.kind == M.SNAPSHOT]
    base = DailyStat.objects.filter(committee_id__in=ids)

    # 1. flow figures by metric, key and month (rows are monthly), over the months the charts show
    today = timezone.localdate()
    months = [b for b in p.chart_months() if b <= today] or [p.start]  # no empty future months on the charts
    flow = _Sums(p)
    per_committee: dict = defaultdict(int)  # (committee, metric) → period total, for the side-by-side table
    rows = (base.filter(metric__in=flow_codes, day__gte=min(months[0], p.start), day__lte=p.end)
            .filter(_dim_q(filters, flow_codes)).order_by()
            .values("committee_id", "metric", "key", "day").annotate(v=Sum("value")))
    for r in rows:
        flow.add(r["metric"], r["key"], r["v"], r["day"])
        if p.contains(r["day"]):
            per_committee[(r["committee_id"], r["metric"])] += r["v"]

    # 2. snapshot figures by metric, key, township and unit
    snap = _Sums()
    by_township: dict = defaultdict(int)
    by_unit: dict = defaultdict(int)
    for r in (base.filter(metric__in=snap_codes).filter(_dim_q(filters, snap_codes)).order_by()
              .values("committee_id", "metric", "key", "township_id", "unit_id").annotate(v=Sum("value"))):
        snap.add(r["metric"], r["key"], r["v"])
        per_committee[(r["committee_id"], r["metric"])] += r["v"]
        by_township[(r["metric"], r["township_id"])] += r["v"]
        by_unit[(r["metric"], r["unit_id"])] += r["v"]

    # 3. committees side by side (a committee above county level sees its counties): the sums per
    #    committee come from the two queries above
    committees = list(Committee.objects.filter(pk__in=ids).order_by("level", "pk")
                      .values("pk", "name", "short_name", "level", "parent_id"))

    # 4. member ranking by points in the period, with names in the same query
    points_q = (base.filter(metric="points.member", day__gte=p.start, day__lte=p.end)
                .filter(_dim_q(filters, ["points.member"])))
    member_name = Member.objects.filter(pk=OuterRef("ref_id")).order_by().values("name")[:1]
    ranking = list(points_q.order_by().values("ref_id").annotate(total=Sum("value"))
                   .annotate(name=Subquery(member_name)).order_by("-total", "ref_id")[:10])

    # 5. names: townships and units of the committees shown
    townships = list(Township.objects.filter(committee_id__in=ids).order_by("committee_id", "order", "pk")
                     .values("pk", "name", "committee_id"))
    units = {u["pk"]: u["name"] for u in HandlingUnit.objects.filter(committee_id__in=ids).values("pk", "name")}

    # 6. when the summary rows were refreshed
    refreshed = StatsRefresh.objects.filter(committee_id__in=ids).order_by("refreshed_at").values_list(
        "refreshed_at", flat=True).first()

    L = filters.link
    buckets = months

    def series(metric, key=None):
        return [flow.get(metric, key, b) for b in buckets]

    def bucket_links(metric, key=None):
        """Each month's list (a month before the period opens with that month as the period)."""
        out = []
        for b in buckets:
            if p.contains(b):
                out.append(L(metric, key=key, start=b.isoformat(), end=_month_end(b).isoformat()))
            else:
                out.append(f"{reverse('dashboards:drill', args=[metric])}?"
                           f"{urlencode({**filters.query(key=key), 'period': f'{b:%Y-%m}'})}")
        return out

    def fig(label, metric, value, *, key=None, unit="", note="", **more):
        m = registry.get(metric)
        return {"label": label, "value": value, "unit": unit or (m.unit_label if m else ""), "metric": metric,
                "link": L(metric, key=key, **more) if m else "", "note": note}

    one_year = len({b.year for b in buckets}) == 1
    bucket_labels = [f"{b.month}月" if one_year else f"{b:%Y-%m}" for b in buckets]

    # --- coverage -------------------------------------------------------------------------------
    active = snap.get("members.active")
    assigned = snap.get("coverage.assigned")
    coverage_rows = []
    for t in townships:
        tid = t["pk"]
        coverage_rows.append({
            "id": tid, "name": t["name"],
            "members": by_township[("coverage.township_members", tid)],
            "communities": by_township[("coverage.communities", tid)],
            "uncovered": by_township[("coverage.uncovered", tid)],
            "members_link": L("coverage.township_members", township=tid),
            "communities_link": L("coverage.communities", township=tid),
            "uncovered_link": L("coverage.uncovered", township=tid),
        })
    if filters.township:
        coverage_rows = [r for r in coverage_rows if r["id"] == filters.township]
    coverage = {
        "figures": [
            fig("在任委员", "members.active", active),
            fig("已安排联系的委员", "coverage.assigned", assigned, note=_pct_note(assigned, active)),
            fig("未安排联系的委员", "coverage.unassigned", snap.get("coverage.unassigned")),
            fig("社区（村居）", "coverage.communities", snap.get("coverage.communities")),
            fig("无委员联系的社区（村居）", "coverage.uncovered", snap.get("coverage.uncovered")),
        ],
        "townships": coverage_rows,
    }

    # --- workstations ---------------------------------------------------------------------------
    visits_total = flow.get("ws.visits")
    workstations = {
        "figures": [
            fig("运行中的委员工作室", "ws.active", snap.get("ws.active")),
            fig("委员接待日", "ws.reception_days", flow.get("ws.reception_days")),
            fig("接待群众", "ws.visits", visits_total),
            fig("帮办实事", "ws.visits", flow.get("ws.visits", "helped"), key="helped", unit="件"),
            fig("本月未开展接待日的工作室", "ws.idle_month", snap.get("ws.idle_month")),
            fig("接待日不足的工作室（按月标记）", "ws.month_flags", flow.get("ws.month_flags")),
        ],
        "outcomes": [{"key": k, "label": lbl, "value": flow.get("ws.visits", k), "link": L("ws.visits", key=k)}
                     for k, lbl in VISIT_OUTCOME_LABELS.items()],
    }

    # --- consultations --------------------------------------------------------------------------
    steps = [{"key": k, "label": lbl, "open": snap.get("cons.open", k), "overdue": snap.get("cons.overdue", k),
              "open_link": L("cons.open", key=k), "overdue_link": L("cons.overdue", key=k)}
             for k, lbl in STEP_LABELS.items()]
    fu_sat, fu_basic, fu_unsat = (flow.get("cons.fu_satisfied"), flow.get("cons.fu_basic"),
                                  flow.get("cons.fu_unsatisfied"))
    consultations = {
        "figures": [
            fig("进行中的协商", "cons.open", snap.get("cons.open")),
            fig("超期的协商环节", "cons.overdue", snap.get("cons.overdue")),
            fig("召开协商活动", "cons.held", flow.get("cons.held")),
            fig("交办协商成果", "cons.outcomes_assigned", flow.get("cons.outcomes_assigned")),
            fig("办结协商成果", "cons.outcomes_reported", flow.get("cons.outcomes_reported")),
            fig("超期未办结的协商成果", "cons.outcomes_overdue", snap.get("cons.outcomes_overdue")),
            fig("回头看", "cons.follow_ups", flow.get("cons.follow_ups")),
            fig("回头看群众满意率", "cons.follow_ups", _pct(fu_sat + fu_basic, fu_sat + fu_basic + fu_unsat),
                unit="%", note=f"满意{fu_sat}、基本满意{fu_basic}、不满意{fu_unsat}"),
        ],
        "steps": steps,
        "satisfaction": {"satisfied": fu_sat, "basic": fu_basic, "unsatisfied": fu_unsat},
    }

    # --- proposals ------------------------------------------------------------------------------
    classes = {k: flow.get("prop.answered", k) for k in ("A", "B", "C")}
    evaluations = {k: flow.get("prop.evaluated", k) for k in EVALUATION_LABELS}
    evaluated = evaluations["satisfied"] + evaluations["basically"] + evaluations["unsatisfied"]
    overdue_units = sorted(
        ({"unit_id": uid, "name": units.get(uid, f"#{uid}"), "value": v, "link": L("prop.overdue", unit=uid)}
         for (metric, uid), v in by_unit.items() if metric == "prop.overdue" and uid and v),
        key=lambda r: (-r["value"], r["name"]))
    proposals = {
        "figures": [
            fig("提交提案", "prop.submitted", flow.get("prop.submitted")),
            fig("立案", "prop.filed", flow.get("prop.filed")),
            fig("答复", "prop.answered", flow.get("prop.answered")),
            fig("委员评价", "prop.evaluated", flow.get("prop.evaluated"), note=(
                f"逾期未评价{evaluations['not_evaluated']}件" if evaluations["not_evaluated"] else "")),
            fig("满意率（满意+基本满意）", "prop.evaluated", _pct(evaluations["satisfied"] + evaluations["basically"],
                                                        evaluated), unit="%"),
            fig("办理中的提案", "prop.open", snap.get("prop.open")),
            fig("超期未答复的交办", "prop.overdue", snap.get("prop.overdue")),
        ],
        "classes": [{"key": k, "label": f"{k}类", "value": v, "link": L("prop.answered", key=k)}
                    for k, v in classes.items()],
        "evaluations": [{"key": k, "label": lbl, "value": evaluations[k], "link": L("prop.evaluated", key=k)}
                        for k, lbl in EVALUATION_LABELS.items()],
        "pipeline": [{"key": k, "label": lbl, "value": snap.get("prop.open", k), "link": L("prop.open", key=k)}
                     for k, lbl in PROPOSAL_STATUS_LABELS.items()],
        "overdue_units": overdue_units[:15],
    }

    # --- opinion reports ------------------------------------------------------------------------
    opinions = {
        "figures": [
            fig("收到社情民意信息", "op.received", flow.get("op.received")),
            fig("转办", "op.forwarded", flow.get("op.forwarded")),
            fig("被采用", "op.adopted", flow.get("op.adopted")),
            fig("承办单位反馈", "op.answered", flow.get("op.answered")),
            fig("带下去", "op.carried_back", flow.get("op.carried_back")),
            fig("带下去告知群众", "op.people_reached", flow.get("op.people_reached")),
            fig("领导批示", "op.instructions", flow.get("op.instructions")),
            fig("批示待落实", "op.instructions", flow.get("op.instructions", "open"), key="open"),
            fig("超期未办", "op.overdue", snap.get("op.overdue")),
        ],
        "outcomes": [{"key": k, "label": lbl, "value": flow.get("op.answered", k), "link": L("op.answered", key=k)}
                     for k, lbl in OPINION_OUTCOME_LABELS.items()],
        "carry_back": [{"key": k, "label": lbl, "value": flow.get("op.carried_back", k),
                        "link": L("op.carried_back", key=k)} for k, lbl in CARRY_BACK_LABELS.items()],
    }

    # --- members --------------------------------------------------------------------------------
    threshold = settings.MEMBER_POINTS_THRESHOLD
    members = {
        "threshold": threshold,
        "figures": [
            fig("履职积分（本期合计）", "points", flow.get("points")),
            fig(f"年度积分未达{threshold}分的委员", "members.under_threshold", snap.get("members.under_threshold")),
        ],
        "ranking": [{"member_id": r["ref_id"], "name": r["name"] or f"#{r['ref_id']}", "points": r["total"],
                     "link": L("points.member", ref=r["ref_id"])} for r in ranking],
    }

    # --- committees side by side ----------------------------------------------------------------
    compare_metrics = [
        ("members.active", "在任委员"), ("coverage.uncovered", "无委员社区"), ("ws.reception_days", "接待日"),
        ("ws.visits", "接待群众"), ("cons.held", "协商活动"), ("cons.overdue", "协商超期"),
        ("prop.filed", "立案提案"), ("prop.answered", "提案答复"), ("prop.overdue", "提案超期"),
        ("op.received", "社情民意"), ("op.carried_back", "带下去"), ("members.under_threshold", "积分未达标"),
    ]
    compare_metrics = [(c, lbl) for c, lbl in compare_metrics if c in registry]
    by_committee = []
    if len(ids) > 1:
        for c in committees:
            by_committee.append({
                "id": c["pk"], "name": c["short_name"] or c["name"], "level": c["level"],
                "values": [{"metric": code, "value": per_committee[(c["pk"], code)],
                            "link": L(code, committee=c["pk"], exact=1)} for code, _ in compare_metrics],
            })
        total_row = {"id": None, "name": "合计", "level": "",
                     "values": [{"metric": code, "value": sum(per_committee[(c["pk"], code)] for c in committees),
                                 "link": L(code)} for code, _ in compare_metrics]}
        by_committee.append(total_row)

    charts = _charts(p, bucket_labels, series, bucket_links, coverage_rows, steps, proposals, opinions, members,
                     workstations, consultations, by_committee, compare_metrics)
    return {
        "period": {"code": p.code, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
                   "kind": p.kind},
        "filters": {"township": filters.township, "sector": filters.sector,
                    "special_committee": filters.special_committee},
        "committees": [{"id": c["pk"], "name": c["name"], "level": c["level"]} for c in committees],
        "refreshed_at": refreshed.isoformat() if refreshed else None,
        "refreshed_label": f"{timezone.localtime(refreshed):%Y-%m-%d %H:%M}" if refreshed else "",
        "coverage": coverage,
        "workstations": workstations,
        "consultations": consultations,
        "proposals": proposals,
        "opinions": opinions,
        "members": members,
        "by_committee": {"metrics": [{"metric": c, "label": lbl} for c, lbl in compare_metrics],
                         "rows": by_committee},
        "series": {
            "buckets": [b.isoformat() for b in buckets], "labels": bucket_labels,
            "reception_days": series("ws.reception_days"), "visits": series("ws.visits"),
            "proposals_filed": series("prop.filed"), "proposals_answered": series("prop.answered"),
            "opinions_received": series("op.received"), "opinions_forwarded": series("op.forwarded"),
            "opinions_answered": series("op.answered"), "opinions_carried_back": series("op.carried_back"),
            "instructions": series("op.instructions"), "consultations_held": series("cons.held"),
        },
        "charts": charts,
    }


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _pct_note(num: int, den: int) -> str:
    pct = _pct(num, den)
    return f"占在任委员{pct}%" if pct is not None else ""


def _charts(p, labels, series, bucket_links, coverage_rows, steps, proposals, opinions, members, workstations,
            consultations, by_committee, compare_metrics) -> list[dict]:
    """Chart specs (drawn by dashboards/charts.js with ECharts). Each data point carries the link to
    the list behind it, so clicking a bar opens that list."""
    chart_span = "近12个月" if p.kind == "month" else p.label
    charts = [
        {"id": "coverage", "title": "各乡镇（街道）联系委员与无委员社区", "type": "bar",
         "categories": [r["name"] for r in coverage_rows],
         "series": [
             {"name": "联系委员", "data": [r["members"] for r in coverage_rows],
              "links": [r["members_link"] for r in coverage_rows]},
             {"name": "无委员社区", "data": [r["uncovered"] for r in coverage_rows],
              "links": [r["uncovered_link"] for r in coverage_rows]},
         ]},
        {"id": "workstations", "title": f"接待日与接待群众（{chart_span}）", "type": "line", "categories": labels,
         "series": [
             {"name": "接待日", "data": series("ws.reception_days"), "links": bucket_links("ws.reception_days")},
             {"name": "接待群众", "data": series("ws.visits"), "links": bucket_links("ws.visits"), "axis": 1},
         ]},
        {"id": "consultations", "title": "协商“五步走”各环节（进行中/超期）", "type": "bar",
         "categories": [s["label"] for s in steps],
         "series": [
             {"name": "进行中", "data": [s["open"] for s in steps], "links": [s["open_link"] for s in steps]},
             {"name": "超期", "data": [s["overdue"] for s in steps], "links": [s["overdue_link"] for s in steps]},
         ]},
        {"id": "proposals", "title": f"提案立案与答复（{chart_span}）", "type": "bar", "categories": labels,
         "series": [
             {"name": "立案", "data": series("prop.filed"), "links": bucket_links("prop.filed")},
             {"name": "答复", "data": series("prop.answered"), "links": bucket_links("prop.answered")},
         ]},
        {"id": "proposal_classes", "title": "答复类别（A/B/C）", "type": "pie",
         "categories": [c["label"] for c in proposals["classes"]],
         "series": [{"name": "答复", "data": [c["value"] for c in proposals["classes"]],
                     "links": [c["link"] for c in proposals["classes"]]}]},
        {"id": "proposal_satisfaction", "title": "委员对答复的评价", "type": "pie",
         "categories": [c["label"] for c in proposals["evaluations"]],
         "series": [{"name": "评价", "data": [c["value"] for c in proposals["evaluations"]],
                     "links": [c["link"] for c in proposals["evaluations"]]}]},
        {"id": "proposal_overdue_units", "title": "超期未答复的交办（按承办单位）", "type": "hbar",
         "categories": [u["name"] for u in proposals["overdue_units"]],
         "series": [{"name": "超期", "data": [u["value"] for u in proposals["overdue_units"]],
                     "links": [u["link"] for u in proposals["overdue_units"]]}]},
        {"id": "opinions", "title": f"社情民意：收到、转办、反馈、带下去、批示（{chart_span}）", "type": "line",
         "categories": labels,
         "series": [
             {"name": "收到", "data": series("op.received"), "links": bucket_links("op.received")},
             {"name": "转办", "data": series("op.forwarded"), "links": bucket_links("op.forwarded")},
             {"name": "反馈", "data": series("op.answered"), "links": bucket_links("op.answered")},
             {"name": "带下去", "data": series("op.carried_back"), "links": bucket_links("op.carried_back")},
             {"name": "领导批示", "data": series("op.instructions"), "links": bucket_links("op.instructions")},
         ]},
        {"id": "ranking", "title": "委员履职积分排名（前10）", "type": "hbar",
         "categories": [r["name"] for r in members["ranking"]],
         "series": [{"name": "积分", "data": [r["points"] for r in members["ranking"]],
                     "links": [r["link"] for r in members["ranking"]]}]},
    ]
    if by_committee:
        rows = [r for r in by_committee if r["id"] is not None]
        picks = [i for i, (code, _) in enumerate(compare_metrics)
                 if code in ("ws.reception_days", "prop.filed", "op.received", "cons.held")]
        charts.append({
            "id": "committees", "title": "各县（区）对比", "type": "bar", "categories": [r["name"] for r in rows],
            "series": [{"name": compare_metrics[i][1], "data": [r["values"][i]["value"] for r in rows],
                        "links": [r["values"][i]["link"] for r in rows]} for i in picks],
        })
    return charts


# --- the fair table of handling units --------------------------------------------------------------

UNIT_ANSWER_METRICS = [f"unit.answered.{s}" for s in M.UNIT_SOURCES]
UNIT_ONTIME_METRICS = [f"unit.ontime.{s}" for s in M.UNIT_SOURCES]


def _median_from_histogram(hist: dict[int, int]) -> float | None:
    items = sorted((b, n) for b, n in hist.items() if b >= 0 and n > 0)
    total = sum(n for _, n in items)
    if not total:
        return None
    lo_pos, hi_pos = (total + 1) // 2, total // 2 + 1  # 1-based middle positions (equal when odd)
    seen, lo, hi = 0, None, None
    for b, n in items:
        if lo is None and seen + n >= lo_pos:
            lo = b
        if hi is None and seen + n >= hi_pos:
            hi = b
            break
        seen += n
    return (lo + hi) / 2


def unit_table(*, committee_ids: list[int], period: Period, min_volume: int | None = None) -> dict:
    """承办单位公平榜: per unit for ``period`` and the one before it — answers, on-time share, median
    working days, re-handling rate, A/B/C mix, satisfaction, and what is overdue now. Units with fewer
    than ``min_volume`` answers are listed but not ranked. Three queries."""
    from members.models import HandlingUnit

    min_volume = settings.DASHBOARD_UNIT_MIN_VOLUME if min_volume is None else min_volume
    prev = period.previous()
    codes = [c for c in UNIT_ANSWER_METRICS + UNIT_ONTIME_METRICS + ["unit.rehandled.proposal", "unit.evaluated"]
             if M.get(c)]
    overdue_codes = [c for c in ("prop.overdue", "op.overdue", "cons.outcomes_overdue") if M.get(c)]
    rows = (DailyStat.objects.filter(committee_id__in=committee_ids, metric__in=codes, day__gte=prev.start,
                                     day__lte=period.end)
            .order_by().values("unit_id", "metric", "key", "bucket")
            .annotate(cur=Case(When(day__gte=period.start, then=Value(1)), default=Value(0),
                               output_field=IntegerField()))
            .values("unit_id", "metric", "key", "bucket", "cur").annotate(v=Sum("value")))
    acc: dict = defaultdict(lambda: {0: defaultdict(int), 1: defaultdict(int), "hist": {0: defaultdict(int),
                                                                                         1: defaultdict(int)}})
    for r in rows:
        u = acc[r["unit_id"]]
        cur, metric, v = r["cur"], r["metric"], r["v"]
        if metric in UNIT_ANSWER_METRICS:
            u[cur]["answered"] += v
            u["hist"][cur][r["bucket"]] += v
            if metric == "unit.answered.proposal":
                u[cur]["proposal_answers"] += v
                u[cur][f"class_{r['key']}"] += v
        elif metric in UNIT_ONTIME_METRICS:
            u[cur]["on_time"] += v
        elif metric == "unit.rehandled.proposal":
            u[cur]["rehandled"] += v
        elif metric == "unit.evaluated":
            u[cur][f"eval_{r['key']}"] += v
    overdue = dict(DailyStat.objects.filter(committee_id__in=committee_ids, metric__in=overdue_codes)
                   .order_by().values("unit_id").annotate(v=Sum("value")).values_list("unit_id", "v"))
    names = list(HandlingUnit.objects.filter(committee_id__in=committee_ids).order_by("committee_id", "pk")
                 .values("pk", "name", "committee__short_name", "committee__name"))

    def figures(d, hist) -> dict:
        answered = d["answered"]
        evaluated = d["eval_satisfied"] + d["eval_basically"] + d["eval_unsatisfied"]
        return {
            "answered": answered,
            "on_time": d["on_time"],
            "on_time_share": _pct(d["on_time"], answered),
            "median_working_days": _median_from_histogram(hist),
            "rehandled": d["rehandled"],
            "rehandling_rate": _pct(d["rehandled"], d["proposal_answers"]),
            "class_a": d["class_A"], "class_b": d["class_B"], "class_c": d["class_C"],
            "class_a_share": _pct(d["class_A"], d["proposal_answers"]),
            "satisfied": d["eval_satisfied"], "basically": d["eval_basically"], "unsatisfied": d["eval_unsatisfied"],
            "not_evaluated": d["eval_not_evaluated"],
            "satisfaction": _pct(d["eval_satisfied"] + d["eval_basically"], evaluated),
        }

    multi = len(committee_ids) > 1
    out = []
    for n in names:
        a = acc.get(n["pk"])
        cur = figures(a[1], a["hist"][1]) if a else figures(defaultdict(int), {})
        before = figures(a[0], a["hist"][0]) if a else figures(defaultdict(int), {})
        trend = None
        if cur["on_time_share"] is not None and before["on_time_share"] is not None and before["answered"] >= min_volume:
            trend = round(cur["on_time_share"] - before["on_time_share"], 1)
        name = n["name"] if not multi else f"{n['committee__short_name'] or n['committee__name']}·{n['name']}"
        out.append({"unit_id": n["pk"], "name": name, **cur, "overdue_now": overdue.get(n["pk"], 0),
                    "previous": before, "trend_on_time": trend, "ranked": cur["answered"] >= min_volume, "rank": None})
    ranked = sorted((r for r in out if r["ranked"]), key=lambda r: (
        -(r["on_time_share"] or 0), r["median_working_days"] if r["median_working_days"] is not None else 9999,
        -(r["satisfaction"] or 0), r["name"]))
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    unranked = sorted((r for r in out if not r["ranked"]), key=lambda r: (-r["answered"], r["name"]))
    return {"period": {"code": period.code, "label": period.label}, "previous": {"code": prev.code, "label": prev.label},
            "min_volume": min_volume, "ranked": ranked, "unranked": unranked}


# --- drill-down lists ------------------------------------------------------------------------------

def drill_queryset(*, user, metric: M.Metric, committee_ids: list[int], start: dt.date | None,
                   end: dt.date | None, dims: dict, key: str | None, bucket: int | None = None):
    """The rows behind one figure, from the source model, scoped to the user."""
    manager = metric.get_model()._default_manager
    qs = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    if metric.annotate:
        qs = metric.annotate(qs)
    if metric.where:
        qs = qs.filter(metric.where())
    qs = qs.filter(**{f"{metric.committee}__in": committee_ids})
    if metric.kind == M.FLOW:
        qs = metric.in_period(qs, start, end)
    qs = metric.drill_filter(qs, dims=dims, key=key, bucket=bucket)
    if metric.distinct:
        qs = qs.distinct()
    if metric.related:
        qs = qs.select_related(*metric.related)
    order = f"-{metric.day}" if metric.kind == M.FLOW and metric.day else "-pk"
    return qs.order_by(order, "-pk")


def drill_total(metric: M.Metric, qs) -> int:
    """What the figure sums for the drill list: a row count, or the summed value."""
    if metric.value is None:
        return qs.count()
    agg = metric.value()
    return int(qs.order_by().aggregate(t=agg)["t"] or 0) if not metric.distinct else int(
        metric.get_model()._default_manager.filter(pk__in=qs.values("pk")).aggregate(t=agg)["t"] or 0)
