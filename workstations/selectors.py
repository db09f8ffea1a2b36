"""Reads for pages and the API: each owns its select/prefetch so query counts stay constant."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import ReceptionDay, StandardItem, Visit, Workstation, WorkstationMembership

Role = WorkstationMembership.Role


def active_memberships_prefetch(to_attr: str = "active_memberships") -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=WorkstationMembership.objects.filter(ended_on__isnull=True).select_related("member")
        .order_by("role", "member__name_initials", "pk"),
        to_attr=to_attr,
    )


def workstation_list(*, user, filters: dict | None = None):
    """Workstations the user sees, with counts for list pages and the API."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    qs = (
        Workstation.objects.visible_to(user)
        .select_related("committee", "township", "sector", "lead_member")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True), distinct=True),
            held_this_month=Count("reception_days", filter=Q(reception_days__status=ReceptionDay.Status.HELD,
                                                             reception_days__date__gte=month_start), distinct=True),
            standards_done=Count("standards", filter=Q(standards__done=True), distinct=True),
        )
        .order_by("kind", "pk")
    )
    filters = filters or {}
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    return qs


def next_reception_days(workstation_ids, *, on: dt.date | None = None) -> dict[int, ReceptionDay]:
    """The next planned day of each workstation, in one query."""
    on = on or timezone.localdate()
    out: dict[int, ReceptionDay] = {}
    for day in (ReceptionDay.objects.filter(workstation_id__in=list(workstation_ids), status=ReceptionDay.Status.PLANNED,
                                            date__gte=on).order_by("workstation_id", "date")):
        out.setdefault(day.workstation_id, day)
    return out


def my_memberships(*, member_id: int):
    return (WorkstationMembership.objects.filter(member_id=member_id, ended_on__isnull=True)
            .select_related("workstation", "workstation__township").order_by("workstation_id"))


def my_duty_days(*, member_id: int, on: dt.date | None = None, limit: int = 20):
    on = on or timezone.localdate()
    return (ReceptionDay.objects.filter(duty_members=member_id, status=ReceptionDay.Status.PLANNED, date__gte=on)
            .select_related("workstation").order_by("date")[:limit])


def upcoming_days_for_workstations(workstation_ids, *, on: dt.date | None = None, limit: int = 20):
    on = on or timezone.localdate()
    return (ReceptionDay.objects.filter(workstation_id__in=list(workstation_ids), status=ReceptionDay.Status.PLANNED,
                                        date__gte=on)
            .select_related("workstation").prefetch_related("duty_members").order_by("date", "pk")[:limit])


def reception_day_list(*, user, workstation=None, member_id: int | None = None, status: str | None = None):
    qs = (ReceptionDay.objects.visible_to(user).select_related("workstation", "held_logged_by")
          .prefetch_related("duty_members")
          .annotate(visit_count=Count("visits", distinct=True)))
    if workstation is not None:
        qs = qs.filter(workstation=workstation)
    if member_id is not None:
        qs = qs.filter(duty_members=member_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-date", "-pk")


def visit_list(*, user, workstation=None):
    qs = Visit.objects.visible_to(user).select_related("workstation", "handling_unit", "reception_day")
    if workstation is not None:
        qs = qs.filter(workstation=workstation)
    return qs.order_by("-received_on", "-pk")


def standards_for(workstation: Workstation):
    return StandardItem.objects.filter(workstation=workstation).select_related("updated_by").order_by("pk")


def convenor_user_ids(workstation_ids) -> dict[int, set[int]]:
    """User ids of each workstation's convenors (falling back to its lead when it has none)."""
    rows = (WorkstationMembership.objects.filter(workstation_id__in=list(workstation_ids), ended_on__isnull=True,
                                                 role__in=[Role.CONVENOR, Role.LEAD], member__user__isnull=False)
            .values_list("workstation_id", "role", "member__user_id"))
    convenors: dict[int, set[int]] = defaultdict(set)
    leads: dict[int, set[int]] = defaultdict(set)
    for ws_id, role, uid in rows:
        (convenors if role == Role.CONVENOR else leads)[ws_id].add(uid)
    return {ws_id: convenors.get(ws_id) or leads.get(ws_id) or set() for ws_id in set(convenors) | set(leads)}


def public_members(workstation: Workstation):
    """Names and roles only: the public page never shows a member's phone."""
    return (WorkstationMembership.objects.filter(workstation=workstation, ended_on__isnull=True)
            .select_related("member", "member__sector").order_by("role", "pk"))
