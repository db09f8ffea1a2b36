"""Scoped querysets for the committee directory (SPEC section 5)."""

from django.db import models
from django.db.models import Q

from core.scoping import OfficeScopeMixin, Role, ScopedQuerySet, user_scope


class CommitteeQuerySet(OfficeScopeMixin, models.QuerySet):
    office_path = ""  # the committee itself

    def visible_to(self, user):
        s = user_scope(user)
        if s.is_superuser:
            return self
        if s.committee_ids:
            return self.filter(pk__in=sorted(s.committee_ids))
        return self.none()


class CommitteeOwnedQuerySet(OfficeScopeMixin, models.QuerySet):
    """Reference data owned by a committee (sectors, townships, units…): readable by anyone who
    works within that committee tree, members and units included."""

    committee_path = "committee"

    @property
    def office_path(self):
        return self.committee_path

    def visible_to(self, user):
        s = user_scope(user)
        if s.is_superuser:
            return self
        if s.committee_ids:
            return self.filter(**{f"{self.committee_path}_id__in": sorted(s.committee_ids)})
        return self.none()


class CommunityQuerySet(CommitteeOwnedQuerySet):
    committee_path = "township__committee"


class ActivityGroupQuerySet(CommitteeOwnedQuerySet):
    committee_path = "special_committee__committee"


class PlenarySessionQuerySet(CommitteeOwnedQuerySet):
    committee_path = "term__committee"


class MemberQuerySet(ScopedQuerySet):
    def scope_q(self, s, user) -> Q:
        return Q(pk=s.member_id) if s.member_id else Q(pk__in=[])

    def active(self):
        return self.filter(is_active=True)


class OwnMemberRowsQuerySet(ScopedQuerySet):
    """Rows about one member (assignments, points): the office by committee, the member their own."""

    office_path = "member__committee"

    def scope_q(self, s, user) -> Q:
        return Q(member_id=s.member_id) if s.member_id else Q(pk__in=[])


class AssignmentQuerySet(OwnMemberRowsQuerySet):
    def active(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on) | Q(start_date__isnull=True)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class HandlingUnitQuerySet(CommitteeOwnedQuerySet):
    def visible_to(self, user):
        s = user_scope(user)
        if s.unit_id and not s.is_office:
            return self.filter(pk=s.unit_id)
        return super().visible_to(user)


class RosterImportQuerySet(OfficeScopeMixin, models.QuerySet):
    def visible_to(self, user):
        s = user_scope(user)
        if s.is_superuser:
            return self
        if not s.can_manage:
            return self.none()
        return self.filter(s.committee_q("committee"))


class PointEntryQuerySet(OwnMemberRowsQuerySet):
    pass


__all__ = ["Role"]
