"""Proposals (提案): from a member's draft (with co-signers) or a group's, through review, numbering,
assignment to handling units, their answers (countersigned by co-units and class-reviewed by the
office), the member's evaluation and re-handling, to closing; plus supervision of key proposals and
public participation (政协提案我参与).

Only ``proposals.workflow`` writes ``Proposal.status``; services write everything else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AuditedModel

from . import querysets as qs

ANSWER_CLASSES = {
    # domain.yaml proposal_answer_classes
    "A": "所提问题已经解决或基本解决，建议已采纳",
    "B": "所提问题正在解决或列入计划逐步解决",
    "C": "因条件限制或其他原因暂时不能解决，留作参考",
}
ANSWER_CLASS_CHOICES = [(k, f"{k}类：{v}") for k, v in ANSWER_CLASSES.items()]


class ProposalCounter(models.Model):
    """The last number given in a plenary session. Filing locks this row (``select_for_update``),
    so concurrent filings get consecutive numbers with no gap and no duplicate."""

    session = models.OneToOneField("members.PlenarySession", verbose_name="全体会议", primary_key=True,
                                   on_delete=models.CASCADE, related_name="proposal_counter")
    last_number = models.PositiveIntegerField("已用编号", default=0)

    objects = qs.ProposalCounterQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提案编号计数"

    def __str__(self) -> str:
        return f"{self.session}：{self.last_number}"


class Proposal(AuditedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        COSIGNING = "cosigning", "待附议确认"
        SUBMITTED = "submitted", "已提交待审查"
        FILED = "filed", "已立案"
        NOT_FILED = "not_filed", "不予立案"
        CONVERTED = "converted", "已转社情民意"
        ASSIGNED = "assigned", "已交办"
        ANSWERED = "answered", "已答复待会签"
        COUNTERSIGNED = "countersigned", "已会签待审核"
        CLASS_REVIEWED = "class_reviewed", "分类已审核"
        RELEASED = "released", "已答复委员"
        EVALUATED = "evaluated", "已评价"
        REHANDLING = "rehandling", "重新办理"
        CLOSED = "closed", "已办结"

    class ProposerKind(models.TextChoices):
        MEMBER = "member", "委员个人（含联名）"
        PARTY = "party", "党派团体"
        SECTOR = "sector", "界别"
        SPECIAL_COMMITTEE = "special_committee", "专门委员会"

    class Category(models.TextChoices):
        ECONOMY = "economy", "经济建设"
        POLITICS = "politics", "政治建设"
        CULTURE = "culture", "文化建设"
        SOCIETY = "society", "社会建设"
        ECOLOGY = "ecology", "生态文明建设"
        AGRICULTURE = "agriculture", "乡村振兴"
        OTHER = "other", "其他"

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.PROTECT,
                                  related_name="proposals")
    session = models.ForeignKey("members.PlenarySession", verbose_name="届次会议", on_delete=models.PROTECT,
                                related_name="proposals")
    number = models.PositiveIntegerField("提案号", null=True, blank=True, editable=False)
    proposer_kind = models.CharField("提案者类型", max_length=20, choices=ProposerKind.choices,
                                     default=ProposerKind.MEMBER)
    member = models.ForeignKey("members.Member", verbose_name="领衔委员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="proposals")
    group_name = models.CharField("提案集体", max_length=100, blank=True, help_text="党派、界别或专委会名称")
    sector = models.ForeignKey("members.Sector", verbose_name="界别", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    special_committee = models.ForeignKey("members.SpecialCommittee", verbose_name="专委会", null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=20, choices=Category.choices, default=Category.SOCIETY)
    title = models.CharField("案由", max_length=200)
    content = models.TextField("内容（情况分析与具体建议）")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True, editable=False)
    round = models.PositiveSmallIntegerField("办理轮次", default=1, editable=False)
    due_at = models.DateTimeField("当前环节期限", null=True, blank=True, db_index=True, editable=False)
    due_explanation = models.CharField("期限计算说明", max_length=300, blank=True, editable=False)
    is_key = models.BooleanField("重点提案", default=False)
    supervising_leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办领导", null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="supervised_proposals")
    key_answer_days = models.PositiveSmallIntegerField("重点提案办理期限（天）", null=True, blank=True)
    # Where it came from (a reception visit, a consultation outcome…), without a FK into that app.
    source_content_type = models.ForeignKey(ContentType, verbose_name="来源类型", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    source_object_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    source = GenericForeignKey("source_content_type", "source_object_id")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True, editable=False)
    released_at = models.DateTimeField("答复委员时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)

    objects = qs.ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提案"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], condition=Q(number__isnull=False),
                                    name="proposal_unique_number_in_session"),
        ]
        indexes = [
            models.Index(fields=["committee", "status"]),
            models.Index(fields=["source_content_type", "source_object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.title}" if self.number else self.title

    @property
    def number_label(self) -> str:
        if not self.number:
            return "（未编号）"
        return f"{self.session.name}第{self.number:04d}号"

    @property
    def proposer_label(self) -> str:
        if self.proposer_kind == self.ProposerKind.MEMBER:
            return self.member.name if self.member_id else ""
        return self.group_name

    @property
    def is_overdue(self) -> bool:
        """The queryset's overdue rule (core.deadlines) for one proposal."""
        from core.deadlines import is_overdue

        from .querysets import NOT_WAITING

        return is_overdue(self.due_at, is_open=self.status not in NOT_WAITING)


class ProposalCosigner(AuditedModel):
    """附议人: each must confirm before the proposal can be submitted."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DECLINED = "declined", "已拒绝"

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="cosigners")
    member = models.ForeignKey("members.Member", verbose_name="附议委员", on_delete=models.PROTECT,
                               related_name="cosigned_proposals")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "附议人"
        ordering = ["proposal", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="cosigner_once_per_proposal")]

    def __str__(self) -> str:
        return f"{self.member} 附议 {self.proposal_id}"


class Review(AuditedModel):
    """The proposals committee's decision: filed (立案) or not filed with a reason."""

    class Decision(models.TextChoices):
        FILED = "filed", "立案"
        NOT_FILED = "not_filed", "不予立案"

    proposal = models.OneToOneField(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="review")
    decision = models.CharField("审查结论", max_length=10, choices=Decision.choices)
    reason = models.TextField("理由", blank=True)
    converted_content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                               related_name="+")
    converted_object_id = models.PositiveBigIntegerField("转为社情民意编号", null=True, blank=True)
    converted_to = GenericForeignKey("converted_content_type", "converted_object_id")

    objects = qs.ProposalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提案审查"

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.get_decision_display()}"


class UnitAssignment(AuditedModel):
    """交办: a handling unit's part in one handling round, with its own due date."""

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "会办"
        SEPARATE = "separate", "分办"

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("members.HandlingUnit", verbose_name="承办单位", on_delete=models.PROTECT,
                             related_name="proposal_assignments")
    role = models.CharField("办理方式", max_length=10, choices=Role.choices)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    due_at = models.DateTimeField("答复期限", db_index=True)
    due_explanation = models.CharField("期限计算说明", max_length=300, blank=True)

    objects = qs.UnitAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "交办单位"
        ordering = ["proposal", "round", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "unit", "round"], name="assignment_unit_once_per_round"),
            models.UniqueConstraint(fields=["proposal", "round"], condition=Q(role="lead"),
                                    name="assignment_one_lead_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.get_role_display()}）"


class Answer(AuditedModel):
    """A lead or separate unit's answer in one round. The lead's answer is countersigned by the
    co-units; the office reviews the A/B/C class before the member sees it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="answers")
    assignment = models.OneToOneField(UnitAssignment, verbose_name="交办", on_delete=models.CASCADE,
                                      related_name="answer")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    answer_class = models.CharField("答复类别（单位）", max_length=1, choices=ANSWER_CLASS_CHOICES)
    reviewed_class = models.CharField("答复类别（审核后）", max_length=1, blank=True, choices=ANSWER_CLASS_CHOICES)
    content = models.TextField("答复内容")
    document = models.FileField("答复函", upload_to="proposals/answers/%Y/%m/", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    class_reviewed_at = models.DateTimeField("分类审核时间", null=True, blank=True)

    objects = qs.ProposalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["proposal", "round", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.final_class}类"

    @property
    def final_class(self) -> str:
        return self.reviewed_class or self.answer_class


class Countersign(AuditedModel):
    """会签: a co-unit confirms the lead unit's answer, before its own due date."""

    class Status(models.TextChoices):
        PENDING = "pending", "待会签"
        CONFIRMED = "confirmed", "已会签"

    answer = models.ForeignKey(Answer, verbose_name="主办答复", on_delete=models.CASCADE, related_name="countersigns")
    assignment = models.ForeignKey(UnitAssignment, verbose_name="会办单位", on_delete=models.CASCADE,
                                   related_name="countersigns")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    opinion = models.TextField("会签意见", blank=True)
    due_at = models.DateTimeField("会签期限", db_index=True)
    confirmed_at = models.DateTimeField("会签时间", null=True, blank=True)

    objects = qs.CountersignQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会签"
        ordering = ["answer", "pk"]
        constraints = [models.UniqueConstraint(fields=["answer", "assignment"], name="countersign_once")]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_status_display()}"


class Evaluation(AuditedModel):
    class Result(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY = "basically", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"
        NOT_EVALUATED = "not_evaluated", "逾期未评价"

    # What a proposer may choose; "not evaluated" is only ever recorded by the sweep.
    INPUT_CHOICES = Result.choices[:3]

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    result = models.CharField("评价", max_length=15, choices=Result.choices)
    comment = models.TextField("意见", blank=True)

    objects = qs.ProposalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "委员评价"
        ordering = ["proposal", "round"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round"], name="evaluation_once_per_round")]

    def __str__(self) -> str:
        return f"{self.proposal_id} 第{self.round}轮 {self.get_result_display()}"


class SupervisionRecord(AuditedModel):
    """督办: what the supervising leader did on a key proposal."""

    class Method(models.TextChoices):
        SITE = "site", "实地视察"
        MEETING = "meeting", "座谈协商"
        LETTER = "letter", "督办函"
        PHONE = "phone", "电话督促"

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE,
                                 related_name="supervision_records")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办领导", on_delete=models.PROTECT,
                               related_name="+")
    on = models.DateField("督办日期", default=timezone.localdate)
    method = models.CharField("方式", max_length=10, choices=Method.choices, default=Method.SITE)
    content = models.TextField("督办情况")

    objects = qs.ProposalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督办记录"
        ordering = ["proposal", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.on} {self.get_method_display()}"


class PublicOpening(AuditedModel):
    """政协提案我参与: a proposal the office opened to public comment, with a public summary."""

    proposal = models.OneToOneField(Proposal, verbose_name="提案", on_delete=models.CASCADE,
                                    related_name="public_opening")
    summary = models.TextField("公开摘要", help_text="面向公众的内容，不含个人信息")
    opened_on = models.DateField("公开日期", default=timezone.localdate)
    closes_on = models.DateField("征求意见截止", null=True, blank=True)
    is_open = models.BooleanField("公开中", default=True)

    objects = qs.PublicOpeningQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公开征求意见的提案"
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return str(self.proposal)

    @property
    def accepts_comments(self) -> bool:
        return self.is_open and (self.closes_on is None or self.closes_on >= timezone.localdate())


class PublicComment(AuditedModel):
    """A member of the public's comment; shown only once approved. Contact details are kept for
    the office and never shown publicly."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    opening = models.ForeignKey(PublicOpening, verbose_name="公开提案", on_delete=models.CASCADE,
                                related_name="comments")
    body = models.TextField("意见建议")
    nickname = models.CharField("称呼", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("审核状态", max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=200, blank=True)
    reply = models.TextField("承办单位回复", blank=True)
    reply_unit = models.ForeignKey("members.HandlingUnit", verbose_name="回复单位", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    idempotency_key = models.CharField("防重复提交键", max_length=64, unique=True)

    objects = qs.PublicCommentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公众意见"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.body[:30]

    @property
    def public_author(self) -> str:
        return f"网友{self.pk:05d}"
