"""Writes for workstations: keyword-only, atomic; follow-up work goes through the outbox in the same
transaction (a broker outage never fails or slows a write)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError
from core.outbox import outbox_enqueue
from core.ratelimit import RateLimited, flood_message, parse_rate

from . import rules

from .models import (
    ReceptionDay, StandardItem, Visit, Workstation, WorkstationMembership, parse_days_of_month,
)
from .workflow import reception_day_workflow, visit_workflow

Role = WorkstationMembership.Role


__all__ = ["RateLimited"]  # re-exported: views and API catch ``services.RateLimited``


# --- Workstations, members, checklist -----------------------------------------------------------

def standards_ensure(*, workstation: Workstation) -> None:
    """Every workstation has the six 六有 items; missing ones are created (idempotent)."""
    StandardItem.objects.bulk_create(
        [StandardItem(workstation=workstation, code=c) for c in StandardItem.Code.values], ignore_conflicts=True,
    )


@transaction.atomic
def workstation_create(*, committee, name: str, kind: str = Workstation.Kind.TOWNSHIP, township=None, sector=None,
                       host_kind: str = Workstation.HostKind.PARTY_CENTER, host_name: str = "", address: str = "",
                       lead_member=None, opened_on: dt.date | None = None, reception_days_of_month: str = "15",
                       by=None) -> Workstation:
    rules.require_create_workstation(by, committee)
    errors = {}
    if township is not None and township.committee_id != committee.pk:
        errors["township"] = "乡镇（街道）不属于本政协组织。"
    if sector is not None and sector.committee_id != committee.pk:
        errors["sector"] = "界别不属于本政协组织。"
    if lead_member is not None and lead_member.committee_id != committee.pk:
        errors["lead_member"] = "领衔委员不属于本政协组织。"
    if kind == Workstation.Kind.TOWNSHIP and township is None:
        errors["township"] = "街镇委员工作室须选择所在乡镇（街道）。"
    if kind == Workstation.Kind.SECTOR and sector is None:
        errors["sector"] = "界别委员工作室须选择界别。"
    try:
        parse_days_of_month(reception_days_of_month)
    except ValidationError as exc:
        errors["reception_days_of_month"] = exc.messages[0]
    if Workstation.objects.filter(committee=committee, name=name).exists():
        errors["name"] = f"已有名为“{name}”的工作室。"
    if errors:
        raise ValidationError(errors)
    ws = Workstation(committee=committee, name=name, kind=kind, township=township, sector=sector,
                     host_kind=host_kind, host_name=host_name, address=address, lead_member=lead_member,
                     opened_on=opened_on, reception_days_of_month=reception_days_of_month)
    while Workstation.objects.filter(public_code=ws.public_code).exists():
        from .models import new_public_code

        ws.public_code = new_public_code()
    ws.stamp(by)
    ws.save()
    standards_ensure(workstation=ws)
    if lead_member is not None:
        membership_add(workstation=ws, member=lead_member, role=Role.LEAD, by=by)
    return ws


@transaction.atomic
def membership_add(*, workstation: Workstation, member, role: str = Role.RESIDENT,
                   started_on: dt.date | None = None, by=None) -> WorkstationMembership:
    rules.require_members(by, workstation)
    if member.committee_id != workstation.committee_id:
        raise DomainError(f"{member.name}不属于本工作室所在的政协组织。", field="member")
    if WorkstationMembership.objects.filter(workstation=workstation, member=member, ended_on__isnull=True).exists():
        raise DomainError(f"{member.name}已是本工作室的委员。", field="member")
    m = WorkstationMembership(workstation=workstation, member=member, role=role,
                              started_on=started_on or timezone.localdate())
    m.stamp(by)
    m.save()
    return m


@transaction.atomic
def membership_end(*, membership: WorkstationMembership, ended_on: dt.date | None = None, by=None):
    rules.require_members(by, membership.workstation)
    membership.ended_on = ended_on or timezone.localdate()
    membership.stamp(by)
    membership.save(update_fields=["ended_on", "updated_by", "updated_at"])
    return membership


@transaction.atomic
def standard_item_update(*, item: StandardItem, done: bool, note: str = "", photo=None, clear_photo: bool = False,
                         by=None) -> StandardItem:
    rules.require_checklist(by, item.workstation)
    if done and not (note.strip() or photo or (item.photo and not clear_photo)):
        raise DomainError(f"“{item.get_code_display()}”标为达标时，请填写说明或上传照片作为佐证。", field="note")
    item.done = done
    item.note = note
    if clear_photo and item.photo:
        item.photo.delete(save=False)
        item.photo = ""
    if photo:
        item.photo = photo
    item.checked_on = timezone.localdate() if done else None
    item.stamp(by)
    item.save()
    return item


# --- Reception calendar and roster --------------------------------------------------------------

def _add_months(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.month - 1 + n, 12)
    return dt.date(day.year + y, m + 1, 1)


def rule_dates(days: Sequence[int], *, start: dt.date, months: int) -> list[dt.date]:
    """The dates a monthly rule gives for ``months`` months from ``start``'s month, from ``start`` on.
    A day past the month's end (31 in April) falls on its last day."""
    out: set[dt.date] = set()
    first = start.replace(day=1)
    for i in range(months):
        month = _add_months(first, i)
        last = calendar.monthrange(month.year, month.month)[1]
        for d in days:
            date = month.replace(day=min(d, last))
            if date >= start:
                out.add(date)
    return sorted(out)


@transaction.atomic
def reception_rule_generate(*, workstation: Workstation, months: int = 3, days_of_month: str | None = None,
                            start: dt.date | None = None, by=None) -> int:
    """Plan reception days by the monthly rule for the next ``months`` months. Idempotent: dates that
    already have a day (planned, held or cancelled) are left alone. Returns how many were planned."""
    rules.require_plan_calendar(by, workstation)
    if not 1 <= months <= 24:
        raise DomainError("生成月数应在 1～24 之间。", field="months")
    if days_of_month is not None:
        try:
            days = parse_days_of_month(days_of_month)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="days_of_month") from exc
        if workstation.reception_days_of_month != ",".join(map(str, days)):
            workstation.reception_days_of_month = ",".join(map(str, days))
            workstation.stamp(by)
            workstation.save(update_fields=["reception_days_of_month", "updated_by", "updated_at"])
    days = workstation.reception_rule_days
    if not days:
        raise DomainError("请先设置每月固定接待日，如“15”。", field="days_of_month")
    dates = rule_dates(days, start=start or timezone.localdate(), months=months)
    existing = set(ReceptionDay.objects.filter(workstation=workstation, date__in=dates)
                   .values_list("date", flat=True))
    user = by if getattr(by, "is_authenticated", False) else None
    new = [ReceptionDay(workstation=workstation, date=d, from_rule=True, created_by=user, updated_by=user)
           for d in dates if d not in existing]
    ReceptionDay.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def reception_day_plan(*, workstation: Workstation, date: dt.date, by=None) -> ReceptionDay:
    rules.require_plan_calendar(by, workstation)
    if date < timezone.localdate():
        raise DomainError("计划日期不能早于今天。", field="date")
    if ReceptionDay.objects.filter(workstation=workstation, date=date).exclude(status=ReceptionDay.Status.CANCELLED).exists():
        raise DomainError(f"{date:%Y年%m月%d日}已安排接待日。", field="date")
    day = ReceptionDay(workstation=workstation, date=date)
    day.stamp(by)
    day.save()
    return day


def _active_member_ids(workstation_id: int) -> set[int]:
    return set(WorkstationMembership.objects.filter(workstation_id=workstation_id, ended_on__isnull=True)
               .values_list("member_id", flat=True))


def _check_members(workstation: Workstation, member_ids: Iterable[int], *, field: str) -> list[int]:
    ids = sorted({int(i) for i in member_ids})
    outside = set(ids) - _active_member_ids(workstation.pk)
    if outside:
        raise DomainError("只能选择本工作室的委员。", field=field)
    return ids


@transaction.atomic
def reception_day_set_duty(*, day: ReceptionDay, member_ids: Iterable[int], by=None) -> ReceptionDay:
    rules.require_duty(by, day)
    if day.status != ReceptionDay.Status.PLANNED:
        raise DomainError("只能为计划中的接待日安排值班。", field="member_ids")
    ids = _check_members(day.workstation, member_ids, field="member_ids")
    day.duty_members.set(ids)
    day.stamp(by)
    day.save(update_fields=["updated_by", "updated_at"])
    return day


@transaction.atomic
def reception_day_cancel(*, day: ReceptionDay, note: str = "", by=None) -> ReceptionDay:
    rules.require_plan_calendar(by, day.workstation)
    return reception_day_workflow.transition(day, ReceptionDay.Status.CANCELLED, by=by, note=note)


@dataclass
class VisitorInput:
    issue: str
    category: str = Visit.Category.OTHER
    outcome: str = Visit.Outcome.ANSWERED
    name: str = ""
    phone: str = ""
    handling_unit: object | None = None
    outcome_note: str = ""


@transaction.atomic
def reception_day_log_held(*, workstation: Workstation, by, member_ids: Iterable[int],
                           day: ReceptionDay | None = None, date: dt.date | None = None, notes: str = "",
                           visitors: Sequence[VisitorInput] = (), log_key: str | None = None) -> ReceptionDay:
    """Record a held reception day with the members present and the people received. The points
    for the members on duty are credited by a task queued in this transaction."""
    rules.require_log_reception(by, workstation)
    if log_key:
        replay = ReceptionDay.objects.filter(log_key=log_key).first()
        if replay is not None:
            return replay
    ids = _check_members(workstation, member_ids, field="member_ids")
    if not ids:
        raise DomainError("请至少勾选一名到场的委员。", field="member_ids")
    today = timezone.localdate()
    if day is None:
        date = date or today
        if date > today:
            raise DomainError("不能登记未来日期的接待日。", field="date")
        day = (ReceptionDay.objects.select_for_update().filter(workstation=workstation, date=date)
               .exclude(status=ReceptionDay.Status.CANCELLED).first())
        if day is None:
            day = ReceptionDay(workstation=workstation, date=date)
            day.stamp(by)
            day.save()
    elif day.workstation_id != workstation.pk:
        raise DomainError("接待日不属于该工作室。", field="day")
    if day.status == ReceptionDay.Status.HELD:
        raise DomainError(f"{day.date:%Y年%m月%d日}的接待日已登记，不能重复登记。", field="day")
    if day.status == ReceptionDay.Status.CANCELLED:
        raise DomainError("该接待日已取消。", field="day")
    for v in visitors:
        if v.handling_unit is not None and v.handling_unit.committee_id != workstation.committee_id:
            raise DomainError("承办单位不属于本政协组织。", field="visitors")
    reception_day_workflow.transition(day, ReceptionDay.Status.HELD, by=by,
                                      note=f"到场委员{len(ids)}名，接待群众{len(visitors)}人次")
    user = by if getattr(by, "is_authenticated", False) else None
    ReceptionDay.objects.filter(pk=day.pk).update(
        notes=notes, held_logged_by=user, held_logged_at=timezone.now(), log_key=log_key or None,
    )
    day.refresh_from_db()
    day.duty_members.set(ids)
    created = Visit.objects.bulk_create([
        Visit(workstation=workstation, reception_day=day, source=Visit.Source.RECEPTION, received_on=day.date,
              name=v.name, phone=v.phone, category=v.category, issue=v.issue, created_by=user, updated_by=user)
        for v in visitors
    ])
    # What was done on the spot is a move of the visit's workflow (the only writer of ``outcome``),
    # so each handled visitor gets its timeline entry and the table's guards (a referral needs a unit).
    for visit, v in zip(created, visitors):
        if v.outcome != Visit.Outcome.PENDING:
            visit_workflow.transition(visit, v.outcome, by=by, note=v.outcome_note, handling_unit=v.handling_unit,
                                      outcome_note=v.outcome_note)
    outbox_enqueue("workstations.credit_duty_points", day.pk, key=f"workstations.duty_points:{day.pk}")
    return day


# --- Visits and the public intake ---------------------------------------------------------------

INTAKE_RATE_SCOPE = "intake"  # core.clientid.client_hash(request, INTAKE_RATE_SCOPE) identifies a client


def intake_rate_check(client_hash: str, *, now: dt.datetime | None = None) -> None:
    """Counted in the database (recent visits from the same client), so it works whatever state the
    cache or broker is in. Raises :class:`RateLimited`."""
    limit, window = parse_rate(settings.PUBLIC_INTAKE_RATE)
    since = (now or timezone.now()) - dt.timedelta(seconds=window)
    if Visit.objects.from_client_since(client_hash, since).count() >= limit:
        raise RateLimited(flood_message(limit, window, what="条诉求",
                                        extra="如有紧急情况，请直接拨打当地政府服务热线 12345。"),
                          retry_after=window)


def visit_submit_public(*, workstation: Workstation, issue: str, category: str = Visit.Category.OTHER,
                        name: str = "", phone: str = "", idempotency_key: str | None = None,
                        client_hash: str = "", source: str = Visit.Source.QR) -> tuple[Visit, bool]:
    """A resident's issue from the QR form or the API. Returns (visit, created); the same
    idempotency key returns the first visit (a double tap creates one record)."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        existing = Visit.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    if not workstation.is_active:
        raise DomainError("该工作室已停止运行，暂不接受留言。")
    if not (issue or "").strip():
        raise DomainError("请填写您要反映的问题。", field="issue")
    if client_hash:  # staff entering an issue on someone's behalf pass no client
        intake_rate_check(client_hash)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                workstation=workstation, source=source, received_on=timezone.localdate(), name=name.strip(),
                phone=phone.strip(), category=category, issue=issue.strip(), idempotency_key=key,
                client_hash=client_hash,
            )
            outbox_enqueue("workstations.notify_new_visit", visit.pk, key=f"workstations.visit_new:{visit.pk}")
    except IntegrityError:
        if key:
            existing = Visit.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise
    return visit, True


@transaction.atomic
def visit_handle(*, visit: Visit, outcome: str, handling_unit=None, note: str = "", by=None) -> Visit:
    """Record what was done about a visit (answered, helped, referred…), via the workflow table."""
    rules.require_handle_visit(by, visit, outcome)
    if handling_unit is not None and handling_unit.committee_id != visit.workstation.committee_id:
        raise DomainError("承办单位不属于本政协组织。", field="handling_unit")
    return visit_workflow.transition(visit, outcome, by=by, note=note, handling_unit=handling_unit,
                                     outcome_note=note)

