"""Summary tables the dashboards read, and the kept roll-up reports.

The dashboard never aggregates the big tables (visits, point entries, proposals …) while a leader
waits: a set-based refresh (``dashboards.refresh``) folds them into ``DailyStat`` rows — one row per
committee, day, metric and dimension values — and every page, API call and .xlsx roll-up sums those.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import AuditedModel

from .querysets import CommitteeRowsQuerySet


class DailyStat(models.Model):
    """One figure for one committee on one day, split by the dimensions the metric supports.

    Dimensions that a metric does not split by hold 0 (not NULL), so the natural key is a plain
    unique constraint. ``ref_id`` is the per-item subject of metrics that rank items (a member for
    points, a workstation for reception days); ``bucket`` is a numeric class (working days taken to
    answer). Flow metrics are dated by their event; snapshot metrics ("open consultations by step")
    are kept for the day of the last refresh only.
    """

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="+")
    day = models.DateField("日期")
    metric = models.CharField("指标", max_length=60)
    township_id = models.BigIntegerField("乡镇（街道）", default=0)
    sector_id = models.BigIntegerField("界别", default=0)
    special_committee_id = models.BigIntegerField("专委会", default=0)
    unit_id = models.BigIntegerField("承办单位", default=0)
    ref_id = models.BigIntegerField("对象", default=0)
    key = models.CharField("分类", max_length=40, blank=True, default="")
    bucket = models.IntegerField("区间", default=0)
    value = models.BigIntegerField("数值", default=0)

    objects = CommitteeRowsQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "每日统计"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "metric", "day", "township_id", "sector_id", "special_committee_id",
                        "unit_id", "ref_id", "key", "bucket"],
                name="dailystat_natural_key",
            ),
        ]
        indexes = [models.Index(fields=["metric", "committee", "day"], name="dailystat_metric_day")]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.day} {self.metric}={self.value}"


class StatsRefresh(models.Model):
    """When each committee's summary rows were last refreshed (shown as "数据截至")."""

    committee = models.OneToOneField("members.Committee", verbose_name="政协组织", on_delete=models.CASCADE,
                                     related_name="+")
    refreshed_at = models.DateTimeField("刷新时间", default=timezone.now)
    full = models.BooleanField("全量", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "统计刷新记录"

    def __str__(self) -> str:
        return f"{self.committee_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class WorkdayIndex(models.Model):
    """Ordinal of every calendar day among working days (from ``core`` CalendarDay with 调休), so
    "working days between two dates" is a subtraction the database can do for a whole table."""

    day = models.DateField("日期", unique=True)
    ordinal = models.IntegerField("工作日序号")
    is_working_day = models.BooleanField("是否工作日")

    class Meta:
        verbose_name = verbose_name_plural = "工作日序号"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.ordinal}"


class RollupReport(AuditedModel):
    """A monthly, quarterly or yearly roll-up (月收集、季汇总、年评比) kept with its .xlsx file."""

    class Kind(models.TextChoices):
        MONTH = "month", "月报"
        QUARTER = "quarter", "季报"
        YEAR = "year", "年报"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="rollup_reports")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    label = models.CharField("期间", max_length=40)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    file = models.FileField("文件", upload_to="rollups/%Y/", blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_on_demand = models.BooleanField("手动生成", default=False)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = CommitteeRowsQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "汇总报表"
        ordering = ["-period_start", "kind", "committee_id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "kind", "period_start"], name="rollup_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.committee}{self.label}{self.get_kind_display()}"

    @property
    def filename(self) -> str:
        return f"{self.label}{self.get_kind_display()}-{self.committee_id}.xlsx"

