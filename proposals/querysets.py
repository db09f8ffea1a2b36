"""Who sees which proposal (SPEC section 5), and the deadline predicates."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.scoping import ScopedQuerySet

# Statuses in which a unit still owes an answer for the current round.
ANSWERING = ("assigned", "rehandling")


class ProposalQuerySet(ScopedQuerySet):
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

    def overdue(self, now: dt.datetime | None = None):
        return self.filter(due_at__lt=now or timezone.now()).exclude(
            status__in=["draft", "cosigning", "not_filed", "converted", "closed"]
        )

    def due_before(self, t: dt.datetime):
        return self.filter(due_at__lte=t)

    def filed(self):
        return self.filter(number__isnull=False)


class UnitAssignmentQuerySet(ScopedQuerySet):
    office_path = "proposal__committee"

    def scope_q(self, s, user) -> Q:
        return Q(unit_id=s.unit_id) if s.unit_id else Q(pk__in=[])

    def current(self):
        """Assignments of each proposal's current round."""
        return self.filter(round=models.F("proposal__round"))

    def awaiting_answer(self):
        """Lead and separate units of the current round that have not submitted their answer."""
        return self.current().filter(proposal__status__in=ANSWERING, role__in=["lead", "separate"]).exclude(
            answer__status="submitted"
        )

    def overdue(self, now: dt.datetime | None = None):
        return self.awaiting_answer().filter(due_at__lt=now or timezone.now())


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
