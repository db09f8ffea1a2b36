"""The committee directory: committees, terms, sectors, special committees, geography, members,
their assignments to townships and communities, handling units, logins and performance points."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AuditedModel
from core.utils import mask_phone, pinyin_initials

from . import querysets as qs


class Committee(AuditedModel):
    class Level(models.TextChoices):
        NATIONAL = "national", "全国"
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.COUNTY)
    parent = models.ForeignKey("self", verbose_name="上级政协", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    objects = qs.CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政协组织"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Term(AuditedModel):
    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    name = models.CharField("名称", max_length=40, help_text="如：第十届")
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)

    objects = qs.CommitteeOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "届"
        ordering = ["committee", "-number"]
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="term_unique_number")]

    def __str__(self) -> str:
        return f"{self.committee.short_name or self.committee.name}{self.name}"


class PlenarySession(AuditedModel):
    term = models.ForeignKey(Term, verbose_name="届", on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField("次")
    name = models.CharField("名称", max_length=40, help_text="如：十届二次会议")
    opened_on = models.DateField("开幕日期", null=True, blank=True)

    objects = qs.PlenarySessionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "全体会议"
        ordering = ["term", "-number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="session_unique_number")]

    def __str__(self) -> str:
        return self.name


class Sector(AuditedModel):
    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField("界别", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = qs.CommitteeOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "界别"
        ordering = ["committee", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="sector_unique_name")]

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(AuditedModel):
    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="special_committees")
    name = models.CharField("专委会", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = qs.CommitteeOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专门委员会"
        ordering = ["committee", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="special_committee_unique_name")]

    def __str__(self) -> str:
        return self.name


class ActivityGroup(AuditedModel):
    special_committee = models.ForeignKey(SpecialCommittee, verbose_name="专委会", on_delete=models.CASCADE,
                                          related_name="activity_groups")
    name = models.CharField("活动小组", max_length=60)

    objects = qs.ActivityGroupQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "活动小组"
        ordering = ["special_committee", "pk"]
        constraints = [models.UniqueConstraint(fields=["special_committee", "name"], name="activity_group_unique_name")]

    def __str__(self) -> str:
        return f"{self.special_committee.name}·{self.name}"


class Township(AuditedModel):
    class Kind(models.TextChoices):
        TOWN = "town", "乡镇"
        STREET = "street", "街道"

    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.CASCADE, related_name="townships")
    name = models.CharField("乡镇（街道）", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.TOWN)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = qs.CommitteeOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "乡镇（街道）"
        ordering = ["committee", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="township_unique_name")]

    def __str__(self) -> str:
        return self.name


class Community(AuditedModel):
    class Kind(models.TextChoices):
        COMMUNITY = "community", "社区"
        VILLAGE = "village", "村"

    township = models.ForeignKey(Township, verbose_name="乡镇（街道）", on_delete=models.CASCADE,
                                 related_name="communities")
    name = models.CharField("社区（村居）", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.COMMUNITY)

    objects = qs.CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社区（村居）"
        ordering = ["township", "pk"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="community_unique_name")]

    def __str__(self) -> str:
        return f"{self.township.name}·{self.name}"


class HandlingUnit(AuditedModel):
    """承办单位: a government department or township government that answers proposals,
    consultation outcomes and opinion reports. Kept in the committee directory because every
    workflow app routes to it and none of them owns it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "政府部门"
        TOWNSHIP = "township", "乡镇人民政府/街道办事处"
        OTHER = "other", "其他单位"

    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="handling_units")
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    township = models.ForeignKey(Township, verbose_name="对应乡镇", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = qs.HandlingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "承办单位"
        ordering = ["committee", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="handling_unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What a login works for: its committee (office staff, leaders) or its handling unit.
    Members find their committee through ``Member.user``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="portal_profile")
    committee = models.ForeignKey(Committee, verbose_name="所属政协", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="profiles")
    handling_unit = models.ForeignKey(HandlingUnit, verbose_name="所属承办单位", null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="profiles")

    class Meta:
        verbose_name = verbose_name_plural = "用户归属"

    def __str__(self) -> str:
        return str(self.user)


class Member(AuditedModel):
    class Party(models.TextChoices):
        CPC = "cpc", "中共党员"
        DEMOCRATIC = "democratic", "民主党派"
        NONE = "none", "无党派"

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.PROTECT, related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="member")
    term = models.ForeignKey(Term, verbose_name="届", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="members")
    name = models.CharField("姓名", max_length=40)
    name_initials = models.CharField("拼音首字母", max_length=20, blank=True, db_index=True, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    party = models.CharField("政治面貌", max_length=12, choices=Party.choices, default=Party.NONE)
    party_name = models.CharField("所属党派", max_length=40, blank=True, help_text="民主党派委员填写，如：民盟")
    sector = models.ForeignKey(Sector, verbose_name="界别", on_delete=models.PROTECT, related_name="members")
    special_committee = models.ForeignKey(SpecialCommittee, verbose_name="专委会", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="members")
    activity_group = models.ForeignKey(ActivityGroup, verbose_name="活动小组", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="members")
    is_standing = models.BooleanField("常委", default=False)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    title = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_active = models.BooleanField("在任", default=True)
    note = models.TextField("备注", blank=True)

    objects = qs.MemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "委员"
        ordering = ["committee", "name_initials", "pk"]
        indexes = [models.Index(fields=["committee", "is_active"])]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name", "phone"], name="member_unique_name_phone",
                                    violation_error_message="本政协组织已有同名同手机号码的委员。"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A derived search key; kept in step here so every write path (admin, import, API) has it.
        self.name_initials = pinyin_initials(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Rules every write path shares (admin forms call it; the API and import call it too)."""
        from django.core.exceptions import ValidationError

        from core.utils import is_valid_phone

        errors: dict[str, str] = {}
        if self.phone and not is_valid_phone(self.phone):
            errors["phone"] = "手机号码格式不正确（应为11位手机号或带区号的固定电话）。"
        if self.committee_id:
            if self.sector_id and self.sector.committee_id != self.committee_id:
                errors["sector"] = "界别不属于该委员所在的政协组织。"
            if self.special_committee_id and self.special_committee.committee_id != self.committee_id:
                errors["special_committee"] = "专委会不属于该委员所在的政协组织。"
            if self.term_id and self.term.committee_id != self.committee_id:
                errors["term"] = "届次不属于该委员所在的政协组织。"
        if self.activity_group_id and self.activity_group.special_committee_id != self.special_committee_id:
            errors["activity_group"] = "活动小组不属于所选专委会。"
        if self.party == self.Party.DEMOCRATIC and not self.party_name:
            errors["party_name"] = "民主党派委员请填写所属党派。"
        if errors:
            raise ValidationError(errors)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Assignment(AuditedModel):
    """委员联系 (四地结合): a member assigned to a township, optionally a community within it."""

    class Basis(models.TextChoices):
        RESIDENCE = "residence", "居住地"
        WORKPLACE = "workplace", "工作地"
        LIAISON = "liaison", "联系地"
        AID = "aid", "帮扶地"

    member = models.ForeignKey(Member, verbose_name="委员", on_delete=models.CASCADE, related_name="assignments")
    township = models.ForeignKey(Township, verbose_name="乡镇（街道）", on_delete=models.PROTECT,
                                 related_name="assignments")
    community = models.ForeignKey(Community, verbose_name="社区（村居）", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="assignments")
    basis = models.CharField("联系依据", max_length=12, choices=Basis.choices, default=Basis.LIAISON)
    start_date = models.DateField("开始日期", default=timezone.localdate)
    end_date = models.DateField("结束日期", null=True, blank=True)

    objects = qs.AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "联系安排"
        ordering = ["member", "township", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "township"], condition=Q(community__isnull=True, end_date__isnull=True),
                name="assignment_one_open_per_township",
                violation_error_message="该委员已联系这个乡镇（街道），不能重复安排。",
            ),
            models.UniqueConstraint(
                fields=["member", "community"], condition=Q(community__isnull=False, end_date__isnull=True),
                name="assignment_one_open_per_community",
                violation_error_message="该委员已联系这个社区（村居），不能重复安排。",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        place = self.community or self.township
        return f"{self.member} → {place}（{self.get_basis_display()}）"


class CoverageReport(Township):
    """No table: the admin's entry for the coverage page (联系覆盖情况), so it shows on the index."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "联系覆盖情况"


class RosterImport(AuditedModel):
    """One upload of a roster (.xlsx): the parsed rows, validated in chunks (so a long file shows
    progress without a broker), then imported in one transaction or not at all."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "校验中"
        READY = "ready", "校验通过，待导入"
        INVALID = "invalid", "有错误，未导入"
        IMPORTED = "imported", "已导入"

    committee = models.ForeignKey(Committee, verbose_name="政协组织", on_delete=models.CASCADE,
                                  related_name="roster_imports")
    file_name = models.CharField("文件名", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.VALIDATING)
    rows = models.JSONField("数据行", default=list)
    total = models.PositiveIntegerField("总行数", default=0)
    processed = models.PositiveIntegerField("已校验行数", default=0)
    errors = models.JSONField("错误", default=list, help_text="[{row, name, reasons}]")
    imported_count = models.PositiveIntegerField("导入人数", default=0)

    objects = qs.RosterImportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "花名册导入"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100


class PointRule(models.Model):
    """履职积分 table: how many points one duty act earns. The office edits the rows."""

    code = models.CharField("代码", max_length=60, unique=True)
    name = models.CharField("履职事项", max_length=100)
    points = models.IntegerField("分值")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "积分规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.points}分）"


class PointEntry(models.Model):
    """One credit in a member's duty record, tied to the act that earned it; the unique constraint
    makes crediting the same act twice a no-op."""

    member = models.ForeignKey(Member, verbose_name="委员", on_delete=models.CASCADE, related_name="point_entries")
    rule = models.ForeignKey(PointRule, verbose_name="积分规则", on_delete=models.PROTECT, related_name="entries")
    points = models.IntegerField("分值")
    occurred_on = models.DateField("日期", db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = qs.PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "履职积分记录"
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rule", "content_type", "object_id"], name="points_once_per_act"),
        ]
        indexes = [models.Index(fields=["member", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.member} {self.rule.name} {self.points:+d}"
