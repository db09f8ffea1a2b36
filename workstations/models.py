"""Member workstations (委员工作室), their members, the 六有 checklist, reception days (委员接待日)
and the visits received there or left through the public QR form."""

from __future__ import annotations

import base64
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AuditedModel
from core.utils import mask_phone

from . import querysets as qs

PUBLIC_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud and typed on phones


def new_public_code(length: int = 6) -> str:
    return "".join(secrets.choice(PUBLIC_CODE_ALPHABET) for _ in range(length))


def new_tracking_code() -> str:
    """10 characters of base32 (50 random bits): short enough to copy, too many to guess."""
    return base64.b32encode(secrets.token_bytes(7)).decode()[:10]


def parse_days_of_month(value: str) -> list[int]:
    """"15" or "5,20" → [5, 20]; raises ValidationError with a Chinese message."""
    days: set[int] = set()
    for part in (value or "").replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        part = part.strip().rstrip("日号")
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 31:
            raise ValidationError(f"“{part}”不是有效的日期（1～31）。")
        days.add(int(part))
    return sorted(days)


def validate_days_of_month(value: str) -> None:
    parse_days_of_month(value)


class Workstation(AuditedModel):
    class Kind(models.TextChoices):
        TOWNSHIP = "township", "街镇委员工作室"
        SECTOR = "sector", "界别委员工作室"
        INDIVIDUAL = "individual", "个人委员工作室"
        INDUSTRY_CHAIN = "industry_chain", "产业链委员工作室"
        SPECIAL = "special", "特色委员工作室"

    class HostKind(models.TextChoices):
        PARTY_CENTER = "party_center", "党群服务中心"
        COMMUNITY_CENTER = "community_center", "社区服务中心"
        CULTURE_HALL = "culture_hall", "文化礼堂"
        HOSPITAL = "hospital", "人民医院"
        COURT = "court", "人民法院"
        ENTERPRISE = "enterprise", "企业"
        INDUSTRIAL_PARK = "industrial_park", "产业园区"
        SCHOOL = "school", "学校"
        SCENIC_AREA = "scenic_area", "景区"
        BOOKSTORE = "bookstore", "书店"
        OTHER = "other", "其他"

    committee = models.ForeignKey("members.Committee", verbose_name="政协组织", on_delete=models.PROTECT,
                                  related_name="workstations")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.TOWNSHIP)
    township = models.ForeignKey("members.Township", verbose_name="所在乡镇（街道）", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="workstations")
    sector = models.ForeignKey("members.Sector", verbose_name="界别", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="workstations")
    host_kind = models.CharField("依托阵地类型", max_length=20, choices=HostKind.choices,
                                 default=HostKind.PARTY_CENTER)
    host_name = models.CharField("依托阵地", max_length=100, blank=True, help_text="如：五马街道党群服务中心")
    address = models.CharField("地址", max_length=200, blank=True)
    lead_member = models.ForeignKey("members.Member", verbose_name="领衔委员", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="led_workstations")
    opened_on = models.DateField("成立日期", null=True, blank=True)
    public_code = models.CharField("公开短码", max_length=12, unique=True, default=new_public_code,
                                   help_text="群众扫码访问的短网址 /w/短码/")
    reception_days_of_month = models.CharField(
        "固定接待日", max_length=40, blank=True, default="15", validators=[validate_days_of_month],
        help_text="每月几号接待，多个用逗号分隔，如：15 或 5,20",
    )
    reception_hours = models.CharField("接待时间", max_length=40, blank=True, default="09:00-11:30")
    intro = models.TextField("简介", blank=True)
    is_active = models.BooleanField("运行中", default=True)

    objects = qs.WorkstationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "委员工作室"
        ordering = ["committee", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="workstation_unique_name")]
        indexes = [models.Index(fields=["committee", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def reception_rule_days(self) -> list[int]:
        try:
            return parse_days_of_month(self.reception_days_of_month)
        except ValidationError:
            return []

    @property
    def reception_rule_label(self) -> str:
        days = self.reception_rule_days
        return "每月" + "、".join(f"{d}日" for d in days) if days else "未设固定接待日"


class WorkstationMembership(AuditedModel):
    class Role(models.TextChoices):
        LEAD = "lead", "领衔委员"
        CONVENOR = "convenor", "召集人"
        RESIDENT = "resident", "入驻委员"

    workstation = models.ForeignKey(Workstation, verbose_name="工作室", on_delete=models.CASCADE,
                                    related_name="memberships")
    member = models.ForeignKey("members.Member", verbose_name="委员", on_delete=models.CASCADE,
                               related_name="workstation_memberships")
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.RESIDENT)
    started_on = models.DateField("入驻日期", default=timezone.localdate)
    ended_on = models.DateField("退出日期", null=True, blank=True)

    objects = qs.MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作室委员"
        ordering = ["workstation", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workstation", "member"], condition=Q(ended_on__isnull=True),
                                    name="membership_one_active"),
        ]
        indexes = [models.Index(fields=["member", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.workstation}（{self.get_role_display()}）"


class StandardItem(AuditedModel):
    """One of the six standards (六有) with its evidence: a note and/or a photo."""

    class Code(models.TextChoices):
        SITE = "site", "有固定场所"
        SIGN = "sign", "有标志标识"
        RULES = "rules", "有规章制度"
        TEAM = "team", "有工作团队"
        PLAN = "plan", "有活动计划"
        RECORDS = "records", "有活动记载"

    workstation = models.ForeignKey(Workstation, verbose_name="工作室", on_delete=models.CASCADE,
                                    related_name="standards")
    code = models.CharField("标准", max_length=10, choices=Code.choices)
    done = models.BooleanField("已达标", default=False)
    note = models.TextField("说明", blank=True)
    photo = models.ImageField("照片佐证", upload_to="workstations/standards/%Y/%m/", blank=True)
    checked_on = models.DateField("确认日期", null=True, blank=True)

    objects = qs.WorkstationChildQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "六有标准"
        ordering = ["workstation", "pk"]
        constraints = [models.UniqueConstraint(fields=["workstation", "code"], name="standard_unique_code")]

    def __str__(self) -> str:
        return f"{self.workstation} · {self.get_code_display()}"


class ReceptionDay(AuditedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "计划"
        HELD = "held", "已举行"
        CANCELLED = "cancelled", "已取消"

    workstation = models.ForeignKey(Workstation, verbose_name="工作室", on_delete=models.CASCADE,
                                    related_name="reception_days")
    date = models.DateField("接待日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    duty_members = models.ManyToManyField("members.Member", verbose_name="值班委员", blank=True,
                                          related_name="reception_duties")
    notes = models.TextField("接待情况", blank=True)
    from_rule = models.BooleanField("按固定接待日生成", default=False)
    held_logged_by = models.ForeignKey("auth.User", verbose_name="登记人", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    held_logged_at = models.DateTimeField("登记时间", null=True, blank=True)
    log_key = models.CharField("登记幂等键", max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = qs.WorkstationChildQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "委员接待日"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workstation", "date"], condition=~Q(status="cancelled"),
                                    name="reception_day_one_per_date"),
        ]
        indexes = [
            models.Index(fields=["workstation", "date"]),
            models.Index(fields=["status", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.workstation} {self.date:%Y-%m-%d}（{self.get_status_display()}）"


class Visit(AuditedModel):
    """A person received on a reception day, or an issue left through the public QR form."""

    class Source(models.TextChoices):
        RECEPTION = "reception", "接待日来访"
        QR = "qr", "扫码留言"
        API = "api", "接口提交"

    class Category(models.TextChoices):
        TRAFFIC = "traffic", "道路交通"
        MUNICIPAL = "municipal", "市政设施"
        HOUSING = "housing", "住房物业"
        EDUCATION = "education", "教育"
        HEALTH = "health", "医疗卫生"
        ELDERLY = "elderly", "养老助残"
        ENVIRONMENT = "environment", "生态环境"
        EMPLOYMENT = "employment", "就业社保"
        AGRICULTURE = "agriculture", "农业农村"
        ECONOMY = "economy", "经济发展"
        GOVERNANCE = "governance", "基层治理"
        OTHER = "other", "其他"

    class Outcome(models.TextChoices):
        PENDING = "pending", "待处理"
        ANSWERED = "answered", "当场解答"
        HELPED = "helped", "帮办实事"
        REFERRED = "referred", "转交承办单位"
        OPINION = "opinion", "转为社情民意信息"
        PROPOSAL = "proposal", "转为提案"

    workstation = models.ForeignKey(Workstation, verbose_name="工作室", on_delete=models.CASCADE,
                                    related_name="visits")
    reception_day = models.ForeignKey(ReceptionDay, verbose_name="接待日", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="visits")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.RECEPTION)
    received_on = models.DateField("日期", default=timezone.localdate)
    name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.OTHER)
    issue = models.TextField("反映问题")
    outcome = models.CharField("办理方式", max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = models.TextField("办理说明", blank=True)
    handling_unit = models.ForeignKey("members.HandlingUnit", verbose_name="承办单位", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="workstation_visits")
    tracking_code = models.CharField("查询码", max_length=16, unique=True, default=new_tracking_code)
    idempotency_key = models.CharField("提交幂等键", max_length=64, null=True, blank=True, unique=True,
                                       editable=False)
    client_hash = models.CharField("来源指纹", max_length=64, blank=True, editable=False)

    objects = qs.VisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "来访与留言"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["workstation", "received_on"]),
            models.Index(fields=["client_hash", "created_at"]),
            models.Index(fields=["outcome", "received_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.get_category_display()}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        """Public-safe: 张** style; anonymous visitors are 群众."""
        if not self.name:
            return "群众"
        return self.name[0] + "*" * max(1, len(self.name) - 1)


class WorkstationMonthFlag(models.Model):
    """A workstation that held fewer reception days in a month than required; the dashboard reads it."""

    workstation = models.ForeignKey(Workstation, verbose_name="工作室", on_delete=models.CASCADE,
                                    related_name="month_flags")
    month = models.DateField("月份", help_text="该月第一天")
    held_count = models.PositiveSmallIntegerField("已举行接待日数")
    required = models.PositiveSmallIntegerField("应举行接待日数")
    created_at = models.DateTimeField("标记时间", default=timezone.now)

    objects = qs.WorkstationChildQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "接待日不足标记"
        ordering = ["-month", "workstation"]
        constraints = [models.UniqueConstraint(fields=["workstation", "month"], name="month_flag_once")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.workstation} {self.month:%Y-%m} 接待日{self.held_count}/{self.required}"
