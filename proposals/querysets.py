"""Who sees which proposal (SPEC section 5), and the deadline predicates."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from core.deadlines import DeadlineQuerySetMixin
from core.scoping import ScopedQuerySet

# Statuses in which a unit still owes an answer for the current round.
ANSWERING = ("assigned", "rehandling")


# Statuses in which a proposal waits on nobody (not yet submitted, or out of the loop).
NOT_WAITING = ("draft", "cosigning", "not_filed", "converted", "closed")


class ProposalQuerySet(DeadlineQuerySetMixin, ScopedQuerySet):
    def scope_q(self, s, user) -> Q:
        q = Q(pk__in=[])
        if s.member_id:
            from .models import ProposalCosigner

            q |= Q(member_id=s.member_id)
            q |= Q(pk__in=ProposalCosigner.objects.filter(member_id=s.member_id).values("proposal_id"))
        if s.unit_id:
            from .models import UnitAssignment

            q |= Q(pk__in=UnitAssignment.objects.filter(unit_id=s.unit_id).values("proposal_id"))
        return q

    def open_q(self) -> Q:
        """Open: somewhere in the loop with a deadline (core.deadlines gives overdue and due soon)."""
        return ~Q(status__in=NOT_WAITING) & Q(due_at__isnull=False)

    def due_before(self, t: dt.datetime):
        return self.filter(due_at__lte=t)

    def filed(self):
        return self.filter(number__isnull=False)


class UnitAssignmentQuerySet(DeadlineQuerySetMixin, ScopedQuerySet):
    office_path = "proposal__committee"
    unit_field = "unit_id"

    def scope_q(self, s, user) -> Q:
        return Q(unit_id=s.unit_id) if s.unit_id else Q(pk__in=[])

    def current(self):
        """Assignments of each proposal's current round."""
        return self.filter(round=models.F("proposal__round"))

    def open_q(self) -> Q:
        """Open: a lead or separate unit of the proposal's current round that has not submitted its
        answer while the proposal waits for answers."""
        return (Q(round=models.F("proposal__round"), proposal__status__in=ANSWERING, role__in=["lead", "separate"])
                & ~Q(answer__status="submitted"))

    def awaiting_answer(self):
        """Lead and separate units of the current round that have not submitted their answer."""
        return self.open()


class PublicOpeningQuerySet(ScopedQuerySet):
    """Staff manage openings of their committee; everyone (the public included) sees open ones."""

    office_path = "proposal__committee"

    def public(self):
        return self.filter(is_open=True)

    def scope_q(self, s, user) -> Q:
        return Q(is_open=True)


class PublicCommentQuerySet(ScopedQuerySet):
    """The public sees approved comments on open proposals; office staff moderate their
    committee's; a unit sees the comments on proposals assigned to it (to reply)."""

    office_path = "opening__proposal__committee"

    def approved(self):
        return self.filter(status="approved")

    def scope_q(self, s, user) -> Q:
        q = Q(status="approved", opening__is_open=True)
        if s.unit_id:
            from .models import UnitAssignment

            q |= Q(status="approved", opening__proposal_id__in=UnitAssignment.objects.filter(
                unit_id=s.unit_id).values("proposal_id"))
        return q


class ProposalRecordQuerySet(ScopedQuerySet):
    """Office records of one proposal (answers, evaluations, supervision, review): the office of the
    proposal's committee tree reads them; pages reach them through the proposal, not on their own."""

    office_path = "proposal__committee"


class CountersignQuerySet(ScopedQuerySet):
    office_path = "answer__proposal__committee"


class ProposalCounterQuerySet(ScopedQuerySet):
    office_path = "session__term__committee"
