"""Scoped querysets for opinion reports (SPEC section 5) and the deadline predicates."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from core.deadlines import DeadlineQuerySetMixin
from core.scoping import OfficeScopeMixin, user_scope

WAITING_STATES = ("received", "forwarded_unit", "fed_back")


def _report_q(user, prefix: str = "") -> Q | None:
    """Q for the reports ``user`` may see; ``prefix`` lets related models reuse it (e.g. "report__").
    Returns None for "everything" (superusers)."""
    from .models import Forwarding, OpinionReport

    s = user_scope(user)
    if s.is_superuser:
        return None
    q = Q(pk__in=[])
    if s.is_office:
        q |= s.committee_q(f"{prefix}committee")
    if s.member_id:
        through = OpinionReport.members.through
        q |= Q(**{f"{prefix}pk__in": through.objects.filter(member_id=s.member_id).values("opinionreport_id")})
    if s.unit_id:
        # A unit sees what is forwarded to it now and what it has answered; a report it returned
        # (not its remit) and that went to another unit is that unit's item, not this one's.
        assigned = Forwarding.objects.filter(unit_id=s.unit_id).filter(Q(is_active=True) | Q(answered_at__isnull=False))
        q |= Q(**{f"{prefix}pk__in": assigned.values("report_id")})
    return q


class OpinionReportQuerySet(DeadlineQuerySetMixin, OfficeScopeMixin, models.QuerySet):
    """``open()``, ``overdue()``, ``due_soon()`` and ``waiting_on_unit()`` come from core.deadlines;
    a report is open while it waits for registration, the unit's feedback or the carry-back."""

    unit_field = "unit_id"

    def visible_to(self, user):
        q = _report_q(user)
        return self if q is None else self.filter(q)

    def open_q(self) -> Q:
        return Q(status__in=WAITING_STATES, due_at__isnull=False)

    def waiting(self):
        return self.open()

    def outcome_counts(self) -> dict:
        """The account leaders ask for: received, resolved, in progress, cannot be handled."""
        from .models import Outcome

        up = self.filter(direction="up").exclude(status__in=("rejected", "merged"))
        return up.aggregate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(outcome=Outcome.RESOLVED)),
            in_progress=Count("pk", filter=Q(outcome=Outcome.IN_PROGRESS)),
            cannot_handle=Count("pk", filter=Q(outcome__in=Outcome.cannot_handle())),
            open=Count("pk", filter=~Q(status="closed")),
            overdue=Count("pk", filter=self.overdue_q()),
        )


class BulletinQuerySet(OfficeScopeMixin, models.QuerySet):
    def visible_to(self, user):
        s = user_scope(user)
        if s.is_superuser:
            return self
        if s.is_office:
            return self.filter(s.committee_q("committee"))
        if s.member_id:
            # Members read the issues that carry one of their reports.
            from .models import OpinionReport

            mine = OpinionReport.members.through.objects.filter(member_id=s.member_id).values("opinionreport_id")
            return self.filter(Exists(OpinionReport.objects.filter(bulletin_id=OuterRef("pk"), pk__in=mine)))
        return self.none()


class ForwardingQuerySet(OfficeScopeMixin, models.QuerySet):
    office_path = "report__committee"

    def visible_to(self, user):
        s = user_scope(user)
        if s.unit_id and not s.is_office and not s.is_superuser:
            return self.filter(unit_id=s.unit_id)
        q = _report_q(user, "report__")
        return self if q is None else self.filter(q)


class ReportChildQuerySet(OfficeScopeMixin, models.QuerySet):
    """Rows that belong to one report (answers, carry-backs, instructions): visible with the report."""

    office_path = "report__committee"

    def visible_to(self, user):
        q = _report_q(user, "report__")
        return self if q is None else self.filter(q)


LeaderInstructionQuerySet = ReportChildQuerySet
