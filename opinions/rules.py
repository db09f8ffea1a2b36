"""Who may act on a report: the one place. Predicates take (user, report); ``None`` as user means
the system (demo generator, sweeps) and is always allowed. Every write service calls a
``require_*`` here (raising :class:`core.errors.Forbidden`, 403 on pages and API); workflow guards
only check the report's state and the inputs."""

from __future__ import annotations

from core.errors import Forbidden
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
    """Members report what they hear; staff enter reports on members' behalf."""
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or bool(s.member_id) or s.can_manage


def can_compose_bulletin(user, committee) -> bool:
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or (s.can_manage and committee is not None and committee.pk in s.committee_ids)


# --- require_*: what services call ------------------------------------------------------------------

def require_submit(user) -> None:
    if not can_submit(user):
        raise Forbidden("只有委员和机关工作人员可以报送社情民意信息。")


def require_manager(user, report, action: str) -> None:
    """``action`` completes "只有政协机关工作人员可以…" (e.g. "分类登记")."""
    if not is_manager(user, report):
        raise Forbidden(f"只有政协机关工作人员可以{action}。")


def require_unit_or_manager(user, report, action: str) -> None:
    if not (is_assigned_unit(user, report) or is_manager(user, report)):
        raise Forbidden(f"只有承办该信息的单位可以{action}。")


def require_carry_back(user, report) -> None:
    if not (is_reporting_member(user, report) or is_manager(user, report)):
        raise Forbidden("只有反映该信息的委员（或机关代为登记）可以记录带下去。")


def require_compose_bulletin(user, committee) -> None:
    if not can_compose_bulletin(user, committee):
        raise Forbidden("只有政协机关工作人员可以编发专报。")


def require_instruct(user, report, leader) -> None:
    """Leaders write their own instruction; staff record a leader's written one on their behalf."""
    if leader is not None and leader != user:
        if not is_manager(user, report):
            raise Forbidden("只有政协机关工作人员可以代为登记领导批示。")
    elif not is_leader(user, report):
        raise Forbidden("只有领导可以作出批示。")
