"""Scoped querysets (SPEC section 5): staff and leaders see their committee's workstations, members
the workstations they belong to; convenors (and leads) manage theirs, staff manage their committee's.
Everything else answers 404."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.scoping import OfficeScopeMixin, user_scope

MANAGER_ROLES = ("lead", "convenor")


def _membership_model():
    from .models import WorkstationMembership

    return WorkstationMembership


def _member_workstation_ids(member_id: int, roles: tuple[str, ...] | None = None):
    qs = _membership_model().objects.filter(member_id=member_id, ended_on__isnull=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.values("workstation_id")


def managed_workstation_ids(user) -> list[int]:
    """The workstations a user runs as lead member or convenor, computed once per request (cached on
    the user object). Consultations ask this too: a convenor organises their workstations' ones."""
    s = user_scope(user)
    if not s.member_id or s.is_superuser:
        return []
    cached = getattr(user, "_managed_workstation_ids", None)
    if cached is None:
        cached = list(_member_workstation_ids(s.member_id, MANAGER_ROLES).values_list("workstation_id", flat=True))
        user._managed_workstation_ids = cached
    return cached


def visible_q(user, path: str = "") -> Q:
    """Q over ``<path>`` (a workstation relation, "" for Workstation itself) for what ``user`` sees."""
    s = user_scope(user)
    pk = f"{path}_id" if path else "pk"
    committee = f"{path}__committee" if path else "committee"
    if s.is_superuser:
        return Q()
    q = Q(pk__in=[])
    if s.is_office:
        q |= s.committee_q(committee)
    if s.member_id:
        q |= Q(**{f"{pk}__in": _member_workstation_ids(s.member_id)})
    return q


def manageable_q(user, path: str = "") -> Q:
    """Convenor pages: the calendar, the roster, the checklist, handling public issues."""
    s = user_scope(user)
    pk = f"{path}_id" if path else "pk"
    committee = f"{path}__committee" if path else "committee"
    if s.is_superuser:
        return Q()
    q = Q(pk__in=[])
    if s.can_manage:
        q |= s.committee_q(committee)
    if s.member_id:
        q |= Q(**{f"{pk}__in": _member_workstation_ids(s.member_id, MANAGER_ROLES)})
    return q


def loggable_q(user, path: str = "") -> Q:
    """Logging a held reception day: the workstation's own members, its convenors, committee staff."""
    s = user_scope(user)
    pk = f"{path}_id" if path else "pk"
    q = manageable_q(user, path)
    if s.member_id:
        q |= Q(**{f"{pk}__in": _member_workstation_ids(s.member_id)})
    return q


class WorkstationQuerySet(OfficeScopeMixin, models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_q(user))

    def manageable_by(self, user):
        return self.filter(manageable_q(user))

    def loggable_by(self, user):
        return self.filter(loggable_q(user))

    def active(self):
        return self.filter(is_active=True)


class WorkstationChildQuerySet(OfficeScopeMixin, models.QuerySet):
    """Rows that belong to one workstation (reception days, checklist items, flags)."""

    office_path = "workstation__committee"

    def visible_to(self, user):
        return self.filter(visible_q(user, "workstation"))

    def manageable_by(self, user):
        return self.filter(manageable_q(user, "workstation"))

    def upcoming(self, on: dt.date | None = None):
        return self.filter(date__gte=on or timezone.localdate(), status="planned")


class MembershipQuerySet(WorkstationChildQuerySet):
    def active(self, on: dt.date | None = None):
        return self.filter(ended_on__isnull=True)

    def convenors(self):
        return self.active().filter(role="convenor")


class VisitQuerySet(WorkstationChildQuerySet):
    def carriable_by(self, user):
        """Visits ``user`` may carry up (rules.can_carry_up): those of the workstations they log at."""
        return self.filter(loggable_q(user, "workstation"))

    def from_client_since(self, client_hash: str, since):
        return self.filter(client_hash=client_hash, created_at__gte=since)
