"""Models every domain app shares and none owns: audit fields, the timeline, notifications, the
transactional outbox, deadline policies and the working-day calendar."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .querysets import NotificationQuerySet, StateChangeQuerySet


class AuditedModel(models.Model):
    """Keeps who created and last changed a record; services pass ``by=`` and set both."""

    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        abstract = True

    def stamp(self, user) -> None:
        """Set the audit fields for a write by ``user`` (None for system writes)."""
        if user is not None and not getattr(user, "is_authenticated", False):
            user = None
        if self._state.adding and self.created_by_id is None:
            self.created_by = user
        self.updated_by = user


class StateChange(models.Model):
    """One entry of an item's timeline: every status change, with who, when, from, to and a note."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    code = models.CharField("事件代码", max_length=80)
    from_state = models.CharField("原状态", max_length=40, blank=True)
    to_state = models.CharField("新状态", max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    note = models.TextField("备注", blank=True)
    data = models.JSONField("附加数据", default=dict, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    objects = StateChangeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "状态变更记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.from_state} → {self.to_state}"


class Notification(models.Model):
    """A stored reminder. One per recipient, item, stage and day, whatever the number of sweeps."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    item = GenericForeignKey("content_type", "object_id")
    stage = models.CharField("提醒阶段", max_length=60)
    day = models.DateField("日期")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "content_type", "object_id", "stage", "day"], name="notification_once_per_day"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """Follow-up work written in the same transaction as the write that causes it.

    The relay publishes pending rows to Celery after commit and again from beat, so a broker outage
    delays the work but never loses it. ``key`` makes enqueueing the same work twice a no-op.
    """

    task_name = models.CharField("任务", max_length=200)
    args = models.JSONField("参数", default=list)
    kwargs = models.JSONField("关键字参数", default=dict)
    key = models.CharField("幂等键", max_length=200, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("投递时间", null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待投递任务"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task_name}{self.args}"


class TaskRun(models.Model):
    """Marks a task's work as done, so a redelivered message (at-least-once) does nothing twice."""

    key = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "任务执行记录"


class DeadlinePolicy(models.Model):
    """How long an item may wait: N calendar or working days after its base date."""

    class DayKind(models.TextChoices):
        CALENDAR = "calendar", "自然日"
        WORKING = "working", "工作日"

    code = models.CharField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    days = models.PositiveIntegerField("期限天数")
    day_kind = models.CharField("计日方式", max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)

    class Meta:
        verbose_name = verbose_name_plural = "期限规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.days}个{self.get_day_kind_display()}）"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday, or a weekend day made a working
    day (调休). Kept as data, edited by staff and imported each year."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working_day else '休息'} {self.name}"
