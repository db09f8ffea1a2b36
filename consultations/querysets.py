"""Scoped querysets for consultations (SPEC section 5): office staff and leaders see their committee
tree; members what they chair, lead or take part in; workstation convenors what their workstations
organise or host; handling units only the outcome items assigned to them; the public only approved
comments of online consultations."""

from __future__ import annotations

from django.db.models import Q

from core.deadlines import DeadlineQuerySetMixin
from core.scoping import ScopedQuerySet, user_scope


def convenor_workstation_ids(user) -> list[int]:
    """The workstations a member runs as lead member or convenor: the workstations app's one answer."""
    from workstations.querysets import managed_workstation_ids

    return managed_workstation_ids(user)


def member_consultation_q(member_id: int) -> Q:
    """Consultations a member chairs, leads the research of, or takes part in."""
    from .models import Participant

    return Q(chair_id=member_id) | Q(lead_member_id=member_id) | Q(
        pk__in=Participant.objects.filter(member_id=member_id).values("consultation_id"))


class ConsultationQuerySet(DeadlineQuerySetMixin, ScopedQuerySet):
    def scope_q(self, s, user) -> Q:
        q = Q(pk__in=[])
        if s.member_id:
            q |= member_consultation_q(s.member_id)
        ws = convenor_workstation_ids(user)
        if ws:
            q |= Q(organiser_workstation_id__in=ws) | Q(venue_workstation_id__in=ws)
        if s.unit_id:
            from .models import Outcome

            q |= Q(pk__in=Outcome.objects.filter(handling_unit_id=s.unit_id).exclude(
                status=Outcome.Status.DRAFT).values("consultation_id"))
        return q

    def managed_by(self, user):
        """What the user may run step by step: staff their committee's, convenors their workstations'."""
        s = user_scope(user)
        if s.is_superuser:
            return self
        q = Q(pk__in=[])
        if s.can_manage:
            q |= Q(committee_id__in=sorted(s.committee_ids))
        ws = convenor_workstation_ids(user)
        if ws:
            q |= Q(organiser_workstation_id__in=ws)
        return self.filter(q)

    def open_q(self) -> Q:
        """Open: a step of the loop still under way (not closed, not handed to a new round)."""
        from .models import Consultation

        return Q(step__in=Consultation.OPEN_STEPS)


class TopicQuerySet(ScopedQuerySet):
    def scope_q(self, s, user) -> Q:
        q = Q(pk__in=[])
        if s.member_id:
            from .models import Consultation

            q |= Q(menu__is_published=True, committee_id=s.committee_id) | Q(proposer_member_id=s.member_id)
            q |= Q(pk__in=Consultation.objects.visible_to(user).values("topic_id"))
        elif convenor_workstation_ids(user):
            from .models import Consultation

            q |= Q(pk__in=Consultation.objects.visible_to(user).values("topic_id"))
        return q

    def on_menu(self):
        return self.filter(menu__isnull=False)


class TopicCommentQuerySet(ScopedQuerySet):
    office_path = "topic__committee"

    def public(self):
        return self.filter(status="approved")


class OutcomeQuerySet(DeadlineQuerySetMixin, ScopedQuerySet):
    office_path = "consultation__committee"
    unit_field = "handling_unit_id"

    def scope_q(self, s, user) -> Q:
        q = Q(pk__in=[])
        if s.unit_id:
            q |= Q(handling_unit_id=s.unit_id) & ~Q(status="draft")
        if s.member_id:
            from .models import Consultation

            q |= Q(consultation__in=Consultation.objects.filter(member_consultation_q(s.member_id)).values("pk"))
        ws = convenor_workstation_ids(user)
        if ws:
            q |= Q(consultation__organiser_workstation_id__in=ws) | Q(consultation__venue_workstation_id__in=ws)
        return q

    def open_q(self) -> Q:
        """Open: sent to the unit and not yet reported done or impossible."""
        from .models import Outcome

        return Q(status__in=Outcome.OPEN)


class FollowUpVisitQuerySet(DeadlineQuerySetMixin, ScopedQuerySet):
    office_path = "consultation__committee"

    def scope_q(self, s, user) -> Q:
        if s.member_id or convenor_workstation_ids(user):
            from .models import Consultation

            return Q(consultation__in=Consultation.objects.visible_to(user).values("pk"))
        return Q(pk__in=[])

    def open_q(self) -> Q:
        """Open: scheduled and not yet held."""
        return Q(held_on__isnull=True)


class DutyMenuQuerySet(ScopedQuerySet):
    def scope_q(self, s, user) -> Q:
        return Q(is_published=True, committee_id=s.committee_id) if s.member_id else Q(pk__in=[])


class MenuClaimQuerySet(ScopedQuerySet):
    office_path = "topic__committee"

    def scope_q(self, s, user) -> Q:
        return Q(member_id=s.member_id) if s.member_id else Q(pk__in=[])
