"""Consultations (协商议事) through the five-step loop: topic → research → session → outcomes and
minutes → conversion, then the follow-up visit (回头看) and, where people are not satisfied, a new
linked round. Plus the menu of duties (菜单式履职) that members claim topics from.

Only ``consultations.workflow`` writes ``Consultation.step`` and ``Outcome.status``."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.deadlines import is_overdue
from core.models import AuditedModel

from . import querysets as qs


class DutyMenu(AuditedModel):
    """菜单式履职: the office publishes a menu of topics for a year; members claim them."""

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="duty_menus")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    claim_closes_on = models.DateField("认领截止日期", null=True, blank=True)

    objects = qs.DutyMenuQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "履职菜单"
        ordering = ["committee", "-year"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="duty_menu_one_per_year")]

    def __str__(self) -> str:
        return self.title


class Topic(AuditedModel):
    """协商议题, with where it came from and, for online formats, a public solicitation window."""

    class Source(models.TextChoices):
        PARTY = "party", "党委点题"
        GOVERNMENT = "government", "政府出题"
        MEMBER = "member", "委员荐题"
        PUBLIC = "public", "群众征题"
        OFFICE = "office", "委室找题"

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="consultation_topics")
    title = models.CharField("议题", max_length=200)
    description = models.TextField("议题说明", blank=True)
    source = models.CharField("议题来源", max_length=12, choices=Source.choices, default=Source.OFFICE)
    proposer_member = models.ForeignKey("members.Member", verbose_name="提出委员", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="proposed_topics")
    proposer_unit = models.ForeignKey("members.HandlingUnit", verbose_name="出题单位", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="proposed_topics")
    proposer_text = models.CharField("提出方", max_length=100, blank=True, help_text="如：县委办公室、群众来信")
    menu = models.ForeignKey(DutyMenu, verbose_name="履职菜单", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="topics")
    solicitation_opens_on = models.DateField("公开征集开始", null=True, blank=True)
    solicitation_closes_on = models.DateField("公开征集截止", null=True, blank=True)

    objects = qs.TopicQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "协商议题"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["committee", "source"])]

    def __str__(self) -> str:
        return self.title

    @property
    def proposer_display(self) -> str:
        return str(self.proposer_member or self.proposer_unit or self.proposer_text or self.get_source_display())

    def solicitation_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        if not self.solicitation_opens_on:
            return False
        return self.solicitation_opens_on <= on and (self.solicitation_closes_on is None or on <= self.solicitation_closes_on)


class TopicComment(AuditedModel):
    """A public comment on an online consultation's topic; shown only after staff approve it and
    never with the commenter's name or phone."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    topic = models.ForeignKey(Topic, verbose_name="议题", on_delete=models.CASCADE, related_name="comments")
    body = models.TextField("意见建议", max_length=2000)
    author_name = models.CharField("称呼", max_length=40, blank=True)
    author_phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("审核状态", max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    moderated_by = models.ForeignKey("auth.User", verbose_name="审核人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    idempotency_key = models.CharField("提交标识", max_length=64, unique=True)

    objects = qs.TopicCommentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "议题公开征集意见"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.body[:30]


class Consultation(AuditedModel):
    class Format(models.TextChoices):
        LIVELIHOOD = "livelihood", "民生议事堂"
        COURTYARD = "courtyard", "院坝协商"
        STATION = "station", "协商驿站"
        PLEASE_CONSULT = "please_consult", "请你来协商"
        MICRO = "micro", "微协商"
        THEMATIC = "thematic", "专题协商"
        COUNTERPART = "counterpart", "对口协商"
        SECTOR = "sector", "界别协商"
        PROPOSAL = "proposal", "提案办理协商"
        ONLINE = "online", "码上协商"

    ONLINE_FORMATS = (Format.ONLINE,)

    class Level(models.TextChoices):
        COUNTY = "county", "县级"
        TOWNSHIP = "township", "乡镇（街道）级"
        VILLAGE = "village", "村（社区）级"
        GROUP = "group", "村民小组（院坝）级"

    class Step(models.TextChoices):
        TOPIC_SELECTED = "topic_selected", "遴选议题"
        RESEARCHING = "researching", "组织调研"
        HELD = "held", "开展活动"
        OUTCOMES = "outcomes", "形成成果"
        CONVERTING = "converting", "推动转化"
        FOLLOW_UP = "follow_up", "回头看"
        CLOSED = "closed", "已办结"
        RECONSULTED = "reconsulted", "再协商"

    OPEN_STEPS = (Step.TOPIC_SELECTED, Step.RESEARCHING, Step.HELD, Step.OUTCOMES, Step.CONVERTING, Step.FOLLOW_UP)

    class Organiser(models.TextChoices):
        OFFICE = "office", "政协机关"
        WORKSTATION = "workstation", "委员工作室"

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="consultations")
    topic = models.ForeignKey(Topic, verbose_name="议题", on_delete=models.PROTECT, related_name="consultations")
    parent = models.ForeignKey("self", verbose_name="上一轮协商", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="rounds")
    round = models.PositiveSmallIntegerField("轮次", default=1)
    title = models.CharField("活动名称", max_length=200)
    format = models.CharField("协商形式", max_length=16, choices=Format.choices, db_index=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.TOWNSHIP)
    venue_workstation = models.ForeignKey("workstations.Workstation", verbose_name="活动地点（委员工作室）", null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="consultations_hosted")
    venue_township = models.ForeignKey("members.Township", verbose_name="乡镇（街道）", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="consultations")
    venue_community = models.ForeignKey("members.Community", verbose_name="社区（村居）", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="consultations")
    venue_text = models.CharField("具体地点", max_length=200, blank=True)
    scheduled_on = models.DateField("计划日期", null=True, blank=True)
    held_on = models.DateField("召开日期", null=True, blank=True)
    chair = models.ForeignKey("members.Member", verbose_name="主持委员", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="chaired_consultations")
    lead_member = models.ForeignKey("members.Member", verbose_name="调研牵头委员", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="led_consultations")
    organiser = models.CharField("组织方", max_length=12, choices=Organiser.choices, default=Organiser.OFFICE)
    organiser_workstation = models.ForeignKey("workstations.Workstation", verbose_name="组织工作室", null=True,
                                              blank=True, on_delete=models.SET_NULL,
                                              related_name="consultations_organised")
    step = models.CharField("当前步骤", max_length=16, choices=Step.choices, default=Step.TOPIC_SELECTED,
                            db_index=True)
    research_due_at = models.DateTimeField("调研截止", null=True, blank=True)
    due_at = models.DateTimeField("当前步骤截止", null=True, blank=True, db_index=True)
    due_explanation = models.CharField("期限说明", max_length=300, blank=True)
    outcomes_sent_at = models.DateTimeField("成果交办时间", null=True, blank=True)
    follow_up_due_at = models.DateTimeField("回头看安排期限", null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = qs.ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "协商活动"
        ordering = ["-scheduled_on", "-pk"]
        indexes = [models.Index(fields=["committee", "step"]), models.Index(fields=["step", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.due_at, is_open=self.step in self.OPEN_STEPS)

    @property
    def is_online(self) -> bool:
        return self.format in self.ONLINE_FORMATS

    @property
    def is_micro(self) -> bool:
        return self.format == self.Format.MICRO

    @property
    def venue_display(self) -> str:
        parts = [str(p) for p in (self.venue_workstation, self.venue_community or self.venue_township) if p]
        if self.venue_text:
            parts.append(self.venue_text)
        return "，".join(parts) or ("线上" if self.is_online else "")


class Participant(AuditedModel):
    class Kind(models.TextChoices):
        MEMBER = "member", "政协委员"
        UNIT = "unit", "部门代表"
        RESIDENT = "resident", "群众代表"
        EXPERT = "expert", "专家学者"
        STAKEHOLDER = "stakeholder", "利益相关方"

    consultation = models.ForeignKey(Consultation, verbose_name="协商活动", on_delete=models.CASCADE,
                                     related_name="participants")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.MEMBER)
    member = models.ForeignKey("members.Member", verbose_name="委员", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="consultation_participations")
    unit = models.ForeignKey("members.HandlingUnit", verbose_name="单位", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="consultation_participations")
    name = models.CharField("姓名", max_length=40, blank=True)
    organisation = models.CharField("单位/身份", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参加人员"
        ordering = ["consultation", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "member"], condition=Q(member__isnull=False),
                                    name="participant_member_once"),
            models.CheckConstraint(condition=~Q(kind="member") | Q(member__isnull=False),
                                   name="participant_member_kind_has_member"),
        ]

    def __str__(self) -> str:
        return str(self.member or self.name)

    @property
    def display_name(self) -> str:
        return self.member.name if self.member_id else self.name


class ResearchTask(AuditedModel):
    """组织调研: a research task and what it found."""

    consultation = models.ForeignKey(Consultation, verbose_name="协商活动", on_delete=models.CASCADE,
                                     related_name="research_tasks")
    title = models.CharField("调研内容", max_length=200)
    lead = models.ForeignKey("members.Member", verbose_name="牵头委员", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    findings = models.TextField("调研发现", blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调研任务"
        ordering = ["consultation", "pk"]

    def __str__(self) -> str:
        return self.title


class Minutes(AuditedModel):
    """会议纪要 of the session."""

    consultation = models.OneToOneField(Consultation, verbose_name="协商活动", on_delete=models.CASCADE,
                                        related_name="minutes")
    body = models.TextField("纪要内容")
    consensus = models.TextField("形成共识", blank=True)
    attendance = models.PositiveIntegerField("参会人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "会议纪要"

    def __str__(self) -> str:
        return f"{self.consultation}纪要"


class Outcome(AuditedModel):
    """One outcome item (协商成果), assigned to a handling unit with a due date and its report."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待交办"
        ASSIGNED = "assigned", "已交办"
        IN_PROGRESS = "in_progress", "正在办理"
        DONE = "done", "已办结"
        CANNOT = "cannot", "暂无法办理"

    FINAL = (Status.DONE, Status.CANNOT)
    OPEN = (Status.ASSIGNED, Status.IN_PROGRESS)

    class ConvertedKind(models.TextChoices):
        PROPOSAL = "proposal", "提案"
        OPINION = "opinion", "社情民意信息"

    consultation = models.ForeignKey(Consultation, verbose_name="协商活动", on_delete=models.CASCADE,
                                     related_name="outcomes")
    text = models.TextField("成果事项")
    handling_unit = models.ForeignKey("members.HandlingUnit", verbose_name="承办单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="consultation_outcomes")
    status = models.CharField("办理状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True, db_index=True)
    due_explanation = models.CharField("期限说明", max_length=300, blank=True)
    report = models.TextField("办理情况", blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    converted_kind = models.CharField("转化为", max_length=10, choices=ConvertedKind.choices, blank=True)
    converted_content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                               related_name="+")
    converted_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    converted_item = GenericForeignKey("converted_content_type", "converted_object_id")

    objects = qs.OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "协商成果"
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["handling_unit", "status", "due_at"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.due_at, is_open=self.status in self.OPEN)


class FollowUpVisit(AuditedModel):
    """回头看: scheduled once per consultation (automatically), held with the people, who say whether
    they are satisfied."""

    class Trigger(models.TextChoices):
        DUE = "due", "交办满期自动安排"
        ALL_DONE = "all_done", "成果全部办结自动安排"
        MANUAL = "manual", "组织方安排"

    consultation = models.ForeignKey(Consultation, verbose_name="协商活动", on_delete=models.CASCADE,
                                     related_name="follow_ups")
    trigger = models.CharField("安排原因", max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    scheduled_on = models.DateField("计划日期")
    due_at = models.DateTimeField("走访期限", null=True, blank=True, db_index=True)
    due_explanation = models.CharField("期限说明", max_length=300, blank=True)
    held_on = models.DateField("走访日期", null=True, blank=True)
    findings = models.TextField("走访情况", blank=True)
    satisfied = models.PositiveIntegerField("满意", default=0)
    basically_satisfied = models.PositiveIntegerField("基本满意", default=0)
    unsatisfied = models.PositiveIntegerField("不满意", default=0)
    members = models.ManyToManyField("members.Member", verbose_name="参加委员", blank=True, related_name="+")

    objects = qs.FollowUpVisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "回头看"
        ordering = ["-scheduled_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation"], condition=Q(held_on__isnull=True),
                                    name="follow_up_one_open_per_consultation"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation}·回头看"

    @property
    def total_votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        total = self.total_votes
        return None if not total else round((self.satisfied + self.basically_satisfied) * 100 / total, 1)


class MenuClaim(AuditedModel):
    """A member's claim of a topic on the duty menu."""

    topic = models.ForeignKey(Topic, verbose_name="菜单议题", on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey("members.Member", verbose_name="委员", on_delete=models.CASCADE,
                               related_name="menu_claims")

    objects = qs.MenuClaimQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "菜单认领"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["topic", "member"], name="menu_claim_once")]

    def __str__(self) -> str:
        return f"{self.member}认领{self.topic}"
