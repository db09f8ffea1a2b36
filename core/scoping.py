"""The one place that says what a user may see (SPEC section 5).

Every page and API queryset starts from ``Model.objects.visible_to(user)``; each app's
``querysets.py`` builds that from the :class:`Scope` computed here. Objects outside the scope are
then simply not found, so detail views answer 404 exactly as for missing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q


class Role:
    STAFF = "staff"
    LEADER = "leader"
    MEMBER = "member"
    CONVENOR = "convenor"
    UNIT = "unit"

    LABELS = {
        STAFF: "机关工作人员",
        LEADER: "领导",
        MEMBER: "委员",
        CONVENOR: "工作室召集人",
        UNIT: "承办单位",
    }
    ALL = tuple(LABELS)


@dataclass(frozen=True)
class Scope:
    authenticated: bool = False
    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    committee_id: int | None = None
    # The user's committee and, above county level, every committee below it.
    committee_ids: frozenset[int] = field(default_factory=frozenset)
    member_id: int | None = None
    unit_id: int | None = None

    def has(self, role: str) -> bool:
        return self.is_superuser or role in self.roles

    @property
    def is_office(self) -> bool:
        """Staff and leaders read across their committee tree."""
        return self.is_superuser or bool(self.roles & {Role.STAFF, Role.LEADER})

    @property
    def can_manage(self) -> bool:
        """Staff (and superusers) change committee data; leaders only read and instruct."""
        return self.is_superuser or Role.STAFF in self.roles

    def committee_q(self, path: str = "committee") -> Q:
        """Q for rows owned by a committee in the office scope (nothing for non-office users)."""
        if self.is_superuser:
            return Q()
        if self.is_office and self.committee_ids:
            return Q(**{f"{path}_id__in": sorted(self.committee_ids)}) if path else Q(pk__in=sorted(self.committee_ids))
        return Q(pk__in=[])


NOBODY = Scope()


def descendant_committee_ids(committee_id: int) -> frozenset[int]:
    """A committee with its children and grandchildren (province → city → county), in one query."""
    from members.models import Committee

    ids = Committee.objects.filter(
        Q(pk=committee_id) | Q(parent_id=committee_id) | Q(parent__parent_id=committee_id)
        | Q(parent__parent__parent_id=committee_id)
    ).values_list("pk", flat=True)
    return frozenset(ids)


def user_scope(user) -> Scope:
    """The user's scope, computed once per user object (so once per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    from members.models import Member, Profile

    roles = frozenset(user.groups.values_list("name", flat=True))
    profile = Profile.objects.filter(user=user).values("committee_id", "handling_unit_id").first() or {}
    member = Member.objects.filter(user=user).values("pk", "committee_id").first()
    committee_id = profile.get("committee_id") or (member and member["committee_id"]) or None
    scope = Scope(
        authenticated=True,
        is_superuser=user.is_superuser,
        roles=roles,
        committee_id=committee_id,
        committee_ids=descendant_committee_ids(committee_id) if committee_id else frozenset(),
        member_id=member["pk"] if member else None,
        unit_id=profile.get("handling_unit_id"),
    )
    user._portal_scope = scope
    return scope


class OfficeScopeMixin:
    """``office_scope(user)``: the rows the user's office manages, i.e. whose committee (at
    ``office_path``; "" for the Committee table itself) is in the user's committee tree. The admin
    lists exactly these: no public or own-member extras, nothing for non-office users."""

    office_path = "committee"

    def office_scope(self, user):
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(scope.committee_q(self.office_path))


class ScopedQuerySet(OfficeScopeMixin, models.QuerySet):
    """Base of every ``visible_to(user)``: superusers see all; staff and leaders see the rows whose
    committee (at ``office_path``) is in their committee tree; ``scope_q`` adds what members,
    convenors, units or the public see of this model. Subclasses only state those differences."""

    def scope_q(self, scope: Scope, user) -> Q:
        return Q(pk__in=[])

    def visible_to(self, user):
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        return self.filter(scope.committee_q(self.office_path) | self.scope_q(scope, user))


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object from the user's visible set; outside scope is indistinguishable from missing."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(queryset.visible_to(user), **lookup)
