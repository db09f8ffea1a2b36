"""Writes to the committee directory. Keyword-only, atomic, and the one place validation lives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError

from . import rules
from .models import Assignment, Community, Member, PointEntry, PointRule, Township

DEFAULT_POINT_RULES = {
    # code: (name, points) — the office edits these rows; these are the starting values.
    "reception_day.duty": ("参加委员接待日值班", 5),
    "opinion.submitted": ("报送社情民意信息", 2),
    "opinion.adopted": ("社情民意信息被采用", 5),
    "opinion.instructed": ("社情民意信息获领导批示", 10),
    "opinion.carried_back": ("委员带下去反馈群众", 2),
    "consultation.chair": ("主持协商活动", 8),
    "consultation.participate": ("参加协商活动", 4),
    "consultation.follow_up": ("参加回头看", 3),
    "proposal.filed": ("提案立案", 5),
    "proposal.key": ("提案列为重点提案", 10),
    "proposal.satisfied": ("提案答复满意", 2),
    "menu.claimed": ("认领菜单式履职议题", 2),
}


def assignment_validate(*, member: Member, township: Township, community: Community | None,
                        start_date: dt.date | None = None, end_date: dt.date | None = None,
                        exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    if township.committee_id != member.committee_id:
        errors["township"] = f"乡镇（街道）“{township.name}”不属于委员所在的政协组织。"
    if community is not None and community.township_id != township.pk:
        errors["community"] = f"社区（村居）“{community.name}”不属于“{township.name}”。"
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "结束日期不能早于开始日期。"
    if not errors and end_date is None and member.pk is not None:
        clash = Assignment.objects.filter(member=member, end_date__isnull=True)
        clash = clash.filter(community=community) if community else clash.filter(township=township, community__isnull=True)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["community" if community else "township"] = (
                f"{member.name}已联系“{community or township}”，不能重复安排。"
            )
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)


@transaction.atomic
def assignment_create(*, member: Member, township: Township, community: Community | None = None,
                      basis: str = Assignment.Basis.LIAISON, start_date: dt.date | None = None,
                      end_date: dt.date | None = None, by=None) -> Assignment:
    rules.require_manage(by, member.committee_id, "安排委员联系")
    start_date = start_date or timezone.localdate()
    assignment_validate(member=member, township=township, community=community, start_date=start_date,
                        end_date=end_date)
    a = Assignment(member=member, township=township, community=community, basis=basis,
                   start_date=start_date, end_date=end_date)
    a.stamp(by)
    a.save()
    return a


@transaction.atomic
def assignments_bulk_create(*, members: Iterable[Member], township: Township, community: Community | None = None,
                            basis: str = Assignment.Basis.LIAISON, start_date: dt.date | None = None,
                            by=None) -> tuple[int, list[str]]:
    """Assign many members to one place; members already assigned there are skipped, not errors.
    Returns (created, skipped member names)."""
    start_date = start_date or timezone.localdate()
    members = list(members)
    for committee_id in {m.committee_id for m in members} | {township.committee_id}:
        rules.require_manage(by, committee_id, "安排委员联系")
    for m in members:
        if m.committee_id != township.committee_id:
            raise DomainError(f"{m.name}与“{township.name}”不属于同一政协组织。", field="township")
    if community is not None and community.township_id != township.pk:
        raise DomainError(f"社区（村居）“{community.name}”不属于“{township.name}”。", field="community")
    open_q = Assignment.objects.filter(member__in=members, end_date__isnull=True)
    open_q = open_q.filter(community=community) if community else open_q.filter(township=township, community__isnull=True)
    already = set(open_q.values_list("member_id", flat=True))
    user = by if getattr(by, "is_authenticated", False) else None
    new = [
        Assignment(member=m, township=township, community=community, basis=basis, start_date=start_date,
                   created_by=user, updated_by=user)
        for m in members if m.pk not in already
    ]
    Assignment.objects.bulk_create(new)
    return len(new), [m.name for m in members if m.pk in already]


@transaction.atomic
def assignment_end(*, assignment: Assignment, end_date: dt.date | None = None, by=None) -> Assignment:
    rules.require_manage(by, assignment.member.committee_id, "结束委员联系")
    assignment.end_date = end_date or timezone.localdate()
    if assignment.end_date < assignment.start_date:
        raise DomainError("结束日期不能早于开始日期。", field="end_date")
    assignment.stamp(by)
    assignment.save(update_fields=["end_date", "updated_by", "updated_at"])
    return assignment


def point_rules_ensure() -> None:
    """Create the default point rules that are missing (the office's edits are kept)."""
    existing = set(PointRule.objects.values_list("code", flat=True))
    PointRule.objects.bulk_create(
        [PointRule(code=c, name=n, points=p) for c, (n, p) in DEFAULT_POINT_RULES.items() if c not in existing],
        ignore_conflicts=True,
    )


def points_credit(*, member_ids: Iterable[int], rule_code: str, source=None, on: dt.date | None = None,
                  note: str = "") -> int:
    """Credit each member once for the act ``source`` under ``rule_code``; repeating is a no-op."""
    rule = PointRule.objects.filter(code=rule_code, is_active=True).first()
    if rule is None:
        if rule_code not in DEFAULT_POINT_RULES:
            raise KeyError(f"unknown point rule {rule_code!r}")
        point_rules_ensure()
        rule = PointRule.objects.get(code=rule_code)
        if not rule.is_active:
            return 0
    ct = ContentType.objects.get_for_model(source) if source is not None else None
    rows = [
        PointEntry(member_id=mid, rule=rule, points=rule.points, occurred_on=on or timezone.localdate(),
                   content_type=ct, object_id=source.pk if source is not None else None, note=note)
        for mid in set(member_ids)
    ]
    before = PointEntry.objects.filter(rule=rule, content_type=ct, object_id=getattr(source, "pk", None)).count()
    PointEntry.objects.bulk_create(rows, ignore_conflicts=True)
    return PointEntry.objects.filter(rule=rule, content_type=ct, object_id=getattr(source, "pk", None)).count() - before


# --- Members ------------------------------------------------------------------------------------

MEMBER_FIELDS = ("committee", "term", "name", "gender", "party", "party_name", "sector", "special_committee",
                 "activity_group", "is_standing", "employer", "title", "phone", "email", "is_active", "note", "user")


@transaction.atomic
def member_create(*, by=None, **fields) -> Member:
    """Create a member after the model's rules (phone, same-committee sector/special committee,
    uniqueness); a refusal raises ValidationError with Chinese field messages."""
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    member = Member(**fields)
    rules.require_manage(by, member.committee_id, "登记委员")
    member.full_clean()
    member.stamp(by)
    member.save()
    return member


@transaction.atomic
def member_update(*, member: Member, by=None, **fields) -> Member:
    rules.require_manage(by, member.committee_id, "修改委员信息")
    for key, value in fields.items():
        if key not in MEMBER_FIELDS:
            raise TypeError(f"unknown member field: {key}")
        setattr(member, key, value)
    rules.require_manage(by, member.committee_id, "修改委员信息")  # and not move them out of reach
    member.full_clean()
    member.stamp(by)
    member.save()
    return member


# --- Roles ------------------------------------------------------------------------------------------

PORTAL_APPS = ("core", "members", "workstations", "opinions", "consultations", "proposals", "dashboards")


def roles_ensure() -> dict[str, "Group"]:  # noqa: F821
    """The five roles as groups. Staff get every model permission of the portal apps (so any app's
    plain ModelAdmin works for them); leaders get the view permissions. Safe to run repeatedly."""
    from django.contrib.auth.models import Group, Permission

    from core.scoping import Role

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.ALL}
    perms = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS)
    groups[Role.STAFF].permissions.add(*perms)
    groups[Role.LEADER].permissions.add(*perms.filter(codename__startswith="view_"))
    return groups
