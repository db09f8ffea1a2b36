"""Who sees which proposal (SPEC section 5), and the deadline predicates."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.scoping import user_scope

# Statuses in which a unit still owes an answer for the current round.
ANSWERING = ("assigned", "rehandling")


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        s = user_scope(user)
        if s.is_superuser:
            return self
        q = Q(pk__in=[])
        if s.is_office:
            q |= s.committee_q("committee")
        if s.member_id:
            from .models import ProposalCosigner

            q |= Q(member_id=s.member_id)
            q |= Q(pk__in=ProposalCosigner.objects.filter(member_id=s.member_id).values("proposal_id"))
        if s.unit_id:
            from .models import UnitAssignment

            q |= Q(pk__in=UnitAssignment.objects.filter(unit_id=s.unit_id).values("proposal_id"))
        return self.filter(q)

    def overdue(self, now: dt.datetime | None = None):
        return self.filter(due_at__lt=now or timezone.now()).exclude(
            status__in=["draft", "cosigning", "not_filed", "converted", "closed"]
        )

    def due_before(self, t: dt.datetime):
        return self.filter(due_at__lte=t)

    def filed(self):
        return self.filter(number__isnull=False)


class UnitAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        s = user_scope(user)
        if s.is_superuser:
            return self
        q = Q(pk__in=[])
        if s.is_office:
            q |= s.committee_q("proposal__committee")
        if s.unit_id:
            q |= Q(unit_id=s.unit_id)
        return self.filter(q)

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


class PublicOpeningQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_open=True)

    def visible_to(self, user):
        """Staff manage openings of their committee; everyone (the public included) sees open ones."""
        s = user_scope(user)
        if s.is_superuser:
            return self
        q = Q(is_open=True)
        if s.is_office:
            q |= s.committee_q("proposal__committee")
        return self.filter(q)


class PublicCommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status="approved")

    def visible_to(self, user):
        """The public sees approved comments on open proposals; office staff moderate their
        committee's; a unit sees the comments on proposals assigned to it (to reply)."""
        s = user_scope(user)
        if s.is_superuser:
            return self
        q = Q(status="approved", opening__is_open=True)
        if s.is_office:
            q |= s.committee_q("opening__proposal__committee")
        if s.unit_id:
            from .models import UnitAssignment

            q |= Q(status="approved", opening__proposal_id__in=UnitAssignment.objects.filter(
                unit_id=s.unit_id).values("proposal_id"))
        return self.filter(q)
