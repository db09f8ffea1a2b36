"""The roll-up workbook: the dashboard's figures (``selectors.dashboard_data``) and the fair table
of handling units, one sheet per section, written with openpyxl."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="B71C1C")
TITLE = Font(bold=True, size=14)


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(list(row))
    for i, _ in enumerate(header, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 22 if i == 1 else 14
    ws.freeze_panes = "A2"
    return ws


def overview_rows(data: dict) -> list[tuple]:
    """(section, figure, value, unit) — the same figures, in the same order, as the dashboard cards."""
    sections = [("联系覆盖", "coverage"), ("委员工作室", "workstations"), ("协商议事", "consultations"),
                ("提案办理", "proposals"), ("社情民意", "opinions"), ("委员履职", "members")]
    rows = []
    for title, key in sections:
        for f in data[key]["figures"]:
            rows.append((title, f["label"], f["value"], f["unit"]))
    return rows


def build_rollup_workbook(*, report, data: dict, units: dict) -> bytes:
    wb = Workbook()
    ws = _sheet(wb, "概览", ["板块", "指标", "数值", "单位"], overview_rows(data), first=True)
    ws.insert_rows(1, 3)
    ws["A1"] = f"{report.committee.name} {data['period']['label']}{report.get_kind_display()}"
    ws["A1"].font = TITLE
    ws["A2"] = f"统计期间：{data['period']['start']} 至 {data['period']['end']}"
    ws["A3"] = f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}（数据截至 {data['refreshed_label'] or '—'}）"
    ws.freeze_panes = "A5"

    _sheet(wb, "乡镇覆盖", ["乡镇（街道）", "联系委员", "社区（村居）", "无委员社区"],
           [(t["name"], t["members"], t["communities"], t["uncovered"]) for t in data["coverage"]["townships"]])
    s = data["series"]
    _sheet(wb, "工作室活动", ["时间", "接待日", "接待群众", "协商活动", "立案提案", "提案答复", "收到社情民意"],
           zip(s["labels"], s["reception_days"], s["visits"], s["consultations_held"], s["proposals_filed"],
               s["proposals_answered"], s["opinions_received"]))
    _sheet(wb, "协商环节", ["环节", "进行中", "超期"],
           [(x["label"], x["open"], x["overdue"]) for x in data["consultations"]["steps"]])
    p = data["proposals"]
    _sheet(wb, "提案", ["分类", "项目", "数量"],
           [("答复类别", c["label"], c["value"]) for c in p["classes"]]
           + [("委员评价", c["label"], c["value"]) for c in p["evaluations"]]
           + [("办理环节", c["label"], c["value"]) for c in p["pipeline"]]
           + [("超期未答复", u["name"], u["value"]) for u in p["overdue_units"]])
    o = data["opinions"]
    _sheet(wb, "社情民意", ["分类", "项目", "数量"],
           [("办理结果", c["label"], c["value"]) for c in o["outcomes"]]
           + [("带下去群众满意度", c["label"], c["value"]) for c in o["carry_back"]])
    _sheet(wb, "委员履职", ["名次", "委员", "积分"],
           [(i, r["name"], r["points"]) for i, r in enumerate(data["members"]["ranking"], 1)])
    _sheet(wb, "承办单位", ["名次", "承办单位", "答复件数", "按期率%", "中位工作日", "重办率%", "A类", "B类", "C类",
                         "满意率%", "当前超期", "按期率较上期"],
           [(r["rank"] or f"不排名（少于{units['min_volume']}件）", r["name"], r["answered"], r["on_time_share"],
             r["median_working_days"], r["rehandling_rate"], r["class_a"], r["class_b"], r["class_c"],
             r["satisfaction"], r["overdue_now"], r["trend_on_time"]) for r in units["ranked"] + units["unranked"]])
    if data["by_committee"]["rows"]:
        metrics = data["by_committee"]["metrics"]
        _sheet(wb, "各县（区）", ["政协组织"] + [m["label"] for m in metrics],
               [[r["name"]] + [v["value"] for v in r["values"]] for r in data["by_committee"]["rows"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
