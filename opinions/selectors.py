"""Reads for opinion pages and the API. Selectors own select/prefetch so templates and serializers
only read attributes (constant query counts whatever the data size)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.recipients import committee_user_ids, unit_user_ids
from core.scoping import user_scope
from core.timeline import timeline_for

from .models import Bulletin, CarryBack, Forwarding, LeaderInstruction, OpinionReport, UnitFeedback


def report_list(*, user, filters: dict | None = None) -> QuerySet[OpinionReport]:
    from members.models import Member

    qs = (OpinionReport.objects.visible_to(user)
          .select_related("committee", "unit", "workstation", "bulletin")
          .prefetch_related(Prefetch("members", queryset=Member.objects.only("pk", "name", "committee_id"))))
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    return qs


def my_reports(*, user) -> QuerySet[OpinionReport]:
    s = user_scope(user)
    through = OpinionReport.members.through
    return report_list(user=user).filter(
        pk__in=through.objects.filter(member_id=s.member_id or 0).values("opinionreport_id"))


def report_get(*, user, pk: int) -> OpinionReport:
    from core.scoping import get_visible_or_404

    return get_visible_or_404(OpinionReport.objects.select_related("committee", "unit", "workstation", "bulletin",
                                                                   "visit", "merged_into"), user, pk=pk)


def report_detail(report: OpinionReport) -> dict:
    return {
        "timeline": list(timeline_for(report)),
        "forwardings": list(Forwarding.objects.filter(report=report).select_related("unit", "to_committee")),
        "feedbacks": list(UnitFeedback.objects.filter(report=report).select_related("unit")),
        "carry_backs": list(CarryBack.objects.filter(report=report).select_related("member")),
        "instructions": list(LeaderInstruction.objects.filter(report=report).select_related("leader")),
        "members": list(report.members.all()),
    }


def unit_inbox(*, user) -> QuerySet[OpinionReport]:
    """What is waiting on the user's unit, the nearest deadline first."""
    s = user_scope(user)
    return (OpinionReport.objects.visible_to(user).filter(unit_id=s.unit_id or 0, status="forwarded_unit")
            .select_related("committee").order_by("due_at", "pk"))


def unit_answered(*, user) -> QuerySet[Forwarding]:
    s = user_scope(user)
    return (Forwarding.objects.visible_to(user).filter(unit_id=s.unit_id or 0, answered_at__isnull=False)
            .select_related("report").order_by("-answered_at"))


def overdue_reports(*, user) -> QuerySet[OpinionReport]:
    return (OpinionReport.objects.visible_to(user).overdue().select_related("committee", "unit")
            .prefetch_related("members").order_by("due_at", "pk"))


def open_instructions(*, user) -> QuerySet[LeaderInstruction]:
    return (LeaderInstruction.objects.visible_to(user).filter(status=LeaderInstruction.Status.OPEN)
            .select_related("report", "leader").order_by("instructed_on", "pk"))


def bulletin_list(*, user) -> QuerySet[Bulletin]:
    from django.db.models import Count

    return Bulletin.objects.visible_to(user).select_related("committee").annotate(report_count=Count("reports")).order_by("-year", "-number")


# --- Notification recipients (the one place that says who is told about a report) -------------------
# Built on core.recipients (who holds a role in a committee or a unit), shared by every app.


def report_recipients(report: OpinionReport, *, office: bool = False, members: bool = False,
                      unit_id: int | None = None) -> list[int]:
    """Users told about a report: the office staff of its committee, its reporting members' logins,
    and/or a handling unit's users."""
    from core.scoping import Role

    ids: list[int] = []
    if office:
        ids += sorted(committee_user_ids([report.committee_id], Role.STAFF).get(report.committee_id, ()))
    if members:
        ids += [u for u in report.members.values_list("user_id", flat=True) if u]
    if unit_id:
        ids += sorted(unit_user_ids([unit_id]).get(unit_id, ()))
    return list(dict.fromkeys(ids))
