"""Who may act on a report. Predicates take (user, report); ``None`` as user means the system
(demo generator, sweeps) and is always allowed. Workflow guards and pages use these."""

from __future__ import annotations

from core.scoping import Role, user_scope


def _system(user) -> bool:
    return user is None or not getattr(user, "is_authenticated", False)


def is_manager(user, report) -> bool:
    """Committee staff of the report's committee tree (leaders only read)."""
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or (s.can_manage and report.committee_id in s.committee_ids)


def is_leader(user, report) -> bool:
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or (s.has(Role.LEADER) and report.committee_id in s.committee_ids)


def is_reporting_member(user, report) -> bool:
    if _system(user):
        return True
    s = user_scope(user)
    if not s.member_id:
        return False
    return report.members.filter(pk=s.member_id).exists()


def is_assigned_unit(user, report) -> bool:
    if _system(user):
        return True
    s = user_scope(user)
    return bool(s.unit_id) and s.unit_id == report.unit_id


def can_submit(user) -> bool:
    s = user_scope(user)
    return s.is_superuser or bool(s.member_id) or s.can_manage
