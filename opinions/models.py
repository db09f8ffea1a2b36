"""Public-opinion reports (社情民意信息) and carrying words up and down (委员带话).

A report comes up from a member, a workstation, a reception visit, the public QR form or a
consultation; the office registers and classifies it (分类登记), routes it to a handling unit, to the
upper committee or into a numbered bulletin issue (期); the unit answers; the member carries the
answer back down to the people (带下去); the office closes it with an outcome. Status is written only
by ``opinions.workflow``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AuditedModel

from . import querysets as qs


class Category(models.TextChoices):
    URBAN = "urban", "城乡建设"
    TRANSPORT = "transport", "交通出行"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    SOCIAL = "social", "社会保障与民生"
    ENVIRONMENT = "environment", "生态环境"
    ECONOMY = "economy", "经济发展"
    GOVERNANCE = "governance", "社会治理"
    AGRICULTURE = "agriculture", "农业农村"
    OTHER = "other", "其他"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "已解决"
    IN_PROGRESS = "in_progress", "正在办理"
    BEYOND_REMIT = "beyond_remit", "超出管理范围暂无法办理"
    POLICY = "policy", "因政策原因暂无法办理"

    @classmethod
    def cannot_handle(cls) -> tuple[str, str]:
        return (cls.BEYOND_REMIT, cls.POLICY)


class OpinionReport(AuditedModel):
    class Source(models.TextChoices):
        MEMBER = "member", "委员报送"
        WORKSTATION = "workstation", "委员工作室"
        VISIT = "visit", "接待日来访"
        PUBLIC = "public", "群众扫码反映"
        CONSULTATION = "consultation", "协商成果转化"
        OTHER = "other", "其他"

    class Direction(models.TextChoices):
        UP = "up", "带上来"
        DOWN = "down", "带下去"

    class Status(models.TextChoices):
        RECEIVED = "received", "已接收"
        REGISTERED = "registered", "已分类登记"
        FORWARDED_UNIT = "forwarded_unit", "已转交承办单位"
        FORWARDED_UP = "forwarded_up", "已报送上级政协"
        IN_BULLETIN = "in_bulletin", "已编入专报"
        FED_BACK = "fed_back", "已反馈"
        CARRIED_BACK = "carried_back", "已带下去"
        CLOSED = "closed", "已办结"
        REJECTED = "rejected", "不予登记"
        MERGED = "merged", "已合并"

    class DueStage(models.TextChoices):
        NONE = "", "无"
        REGISTRATION = "registration", "登记"
        FEEDBACK = "feedback", "承办单位反馈"
        CARRY_BACK = "carry_back", "委员带下去"

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.PROTECT,
                                  related_name="opinion_reports")
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    category = models.CharField("类别", max_length=20, choices=Category.choices, default=Category.OTHER)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.MEMBER)
    direction = models.CharField("委员带话方向", max_length=4, choices=Direction.choices, default=Direction.UP)
    members = models.ManyToManyField("members.Member", verbose_name="反映委员", blank=True,
                                     related_name="opinion_reports")
    workstation = models.ForeignKey("workstations.Workstation", verbose_name="委员工作室", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="opinion_reports")
    # One report per visit: a double tap on "转为社情民意" finds the report it already made.
    visit = models.OneToOneField("workstations.Visit", verbose_name="来访记录", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="opinion_report")
    # Any other origin (a consultation outcome, …).
    source_content_type = models.ForeignKey(ContentType, verbose_name="来源类型", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    source_object_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    source_object = GenericForeignKey("source_content_type", "source_object_id")

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True, editable=False)
    outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices, blank=True)
    registration_year = models.PositiveSmallIntegerField("登记年度", null=True, blank=True, editable=False)
    registration_seq = models.PositiveIntegerField("登记序号", null=True, blank=True, editable=False)
    number = models.CharField("登记编号", max_length=40, blank=True, editable=False)
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    registered_at = models.DateTimeField("登记时间", null=True, blank=True, editable=False)
    forwarded_at = models.DateTimeField("转办时间", null=True, blank=True, editable=False)
    fed_back_at = models.DateTimeField("反馈时间", null=True, blank=True, editable=False)
    carried_back_at = models.DateTimeField("带下去时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    adopted_at = models.DateTimeField("采用时间", null=True, blank=True, editable=False)
    # The deadline of the current waiting state; empty when nobody is waited on.
    due_at = models.DateTimeField("截止时间", null=True, blank=True, db_index=True, editable=False)
    due_stage = models.CharField("期限事项", max_length=20, choices=DueStage.choices, blank=True, editable=False)
    due_explanation = models.CharField("期限计算说明", max_length=300, blank=True, editable=False)
    # The handling unit of the current forwarding (denormalised for the unit's inbox and sorting).
    unit = models.ForeignKey("members.HandlingUnit", verbose_name="当前承办单位", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="opinion_reports", editable=False)
    bulletin = models.ForeignKey("Bulletin", verbose_name="编入专报", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports", editable=False)
    merged_into = models.ForeignKey("self", verbose_name="合并至", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged_reports", editable=False)
    # The timeline rows (core.StateChange), so list pages can prefetch them in one query.
    timeline_entries = GenericRelation("core.StateChange", related_query_name="opinion_report")

    objects = qs.OpinionReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社情民意信息"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "status"]),
            models.Index(fields=["unit", "due_at"]),
            models.Index(fields=["status", "due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["committee", "registration_year", "registration_seq"],
                                    condition=Q(registration_seq__isnull=False), name="opinion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '（未登记）'} {self.title}"

    @property
    def is_overdue(self) -> bool:
        """The queryset's overdue rule (core.deadlines) for one report."""
        from core.deadlines import is_overdue

        from .querysets import WAITING_STATES

        return is_overdue(self.due_at, is_open=self.status in WAITING_STATES)


class Bulletin(AuditedModel):
    """An issue (期) of the committee's opinion bulletin (社情民意专报); numbers run 1, 2, 3 … per
    committee and year without gaps (issues are never deleted)."""

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.PROTECT,
                                  related_name="opinion_bulletins")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("期号")
    title = models.CharField("标题", max_length=200)
    issued_on = models.DateField("编发日期", default=timezone.localdate)
    sent_to = models.CharField("报送对象", max_length=200, blank=True, default="县委、县政府")
    editor_note = models.TextField("编者按", blank=True)

    objects = qs.BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社情民意专报"
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["committee", "year", "number"], name="bulletin_unique_number")]

    def __str__(self) -> str:
        return f"社情民意专报 {self.year}年第{self.number}期"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期"


class Forwarding(AuditedModel):
    """A routing of a report (转办): to a handling unit with a feedback deadline, or up to the
    parent committee. At most one forwarding of a report is active."""

    class Kind(models.TextChoices):
        UNIT = "unit", "转交承办单位"
        UPPER = "upper", "报送上级政协"

    report = models.ForeignKey(OpinionReport, verbose_name="社情民意信息", on_delete=models.CASCADE,
                               related_name="forwardings")
    kind = models.CharField("转办方式", max_length=10, choices=Kind.choices, default=Kind.UNIT)
    unit = models.ForeignKey("members.HandlingUnit", verbose_name="承办单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="opinion_forwardings")
    to_committee = models.ForeignKey("members.Committee", verbose_name="上级政协", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField("转办时间", default=timezone.now)
    due_at = models.DateTimeField("反馈截止", null=True, blank=True, db_index=True)
    due_explanation = models.CharField("期限计算说明", max_length=300, blank=True)
    note = models.TextField("转办意见", blank=True)
    is_active = models.BooleanField("当前有效", default=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = qs.ForwardingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "转办记录"
        ordering = ["-forwarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["report"], condition=Q(is_active=True), name="forwarding_one_active"),
            models.CheckConstraint(
                condition=(Q(kind="unit", unit__isnull=False) | Q(kind="upper", to_committee__isnull=False)),
                name="forwarding_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.unit or self.to_committee}"

    @property
    def target_label(self) -> str:
        return str(self.unit or self.to_committee or "")


class UnitFeedback(AuditedModel):
    """The handling unit's answer (办理反馈), or the upper committee's reply entered by the office."""

    report = models.ForeignKey(OpinionReport, verbose_name="社情民意信息", on_delete=models.CASCADE,
                               related_name="feedbacks")
    forwarding = models.ForeignKey(Forwarding, verbose_name="转办记录", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="feedbacks")
    unit = models.ForeignKey("members.HandlingUnit", verbose_name="承办单位", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="opinion_feedbacks")
    content = models.TextField("办理情况")
    proposed_outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices)
    contact_name = models.CharField("经办人", max_length=40, blank=True)
    attachment = models.FileField("附件", upload_to="opinions/feedback/%Y/%m/", blank=True)
    answered_at = models.DateTimeField("答复时间", default=timezone.now)

    objects = qs.ReportChildQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "办理反馈"
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.get_proposed_outcome_display()}"


class CarryBack(AuditedModel):
    """带下去: a member carrying the answer (or a policy) back to the people who raised it."""

    class Method(models.TextChoices):
        VISIT = "visit", "上门走访"
        MEETING = "meeting", "座谈会议"
        PHONE = "phone", "电话告知"
        WECHAT = "wechat", "微信告知"
        WRITTEN = "written", "书面回复"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"
        PARTLY = "partly", "部分解决"

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    report = models.ForeignKey(OpinionReport, verbose_name="社情民意信息", on_delete=models.CASCADE,
                               related_name="carry_backs")
    member = models.ForeignKey("members.Member", verbose_name="委员", on_delete=models.PROTECT,
                               related_name="opinion_carry_backs")
    carried_on = models.DateField("带话日期", default=timezone.localdate)
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    people_reached = models.PositiveIntegerField("告知群众人数", default=1)
    satisfaction = models.CharField("群众满意度", max_length=12, choices=Satisfaction.choices)
    member_rating = models.CharField("委员对办理答复的评价", max_length=12, choices=Rating.choices, blank=True)
    note = models.TextField("情况说明", blank=True)

    objects = qs.ReportChildQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "委员带下去记录"
        ordering = ["-carried_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.carried_on} {self.get_method_display()}"


class LeaderInstruction(AuditedModel):
    """领导批示 on a report, tracked until the office records what was done about it."""

    class Status(models.TextChoices):
        OPEN = "open", "待落实"
        ACTED = "acted", "已落实"

    report = models.ForeignKey(OpinionReport, verbose_name="社情民意信息", on_delete=models.CASCADE,
                               related_name="instructions")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批示领导", on_delete=models.PROTECT,
                               related_name="opinion_instructions")
    leader_title = models.CharField("领导职务", max_length=60, blank=True)
    text = models.TextField("批示内容")
    instructed_on = models.DateField("批示日期", default=timezone.localdate)
    status = models.CharField("落实情况", max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    acted_note = models.TextField("落实说明", blank=True)
    acted_at = models.DateTimeField("落实时间", null=True, blank=True)

    objects = qs.LeaderInstructionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "领导批示"
        ordering = ["-instructed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.leader} {self.instructed_on}"
