"""Who may do what: predicates used by pages, API and services alike. What a step allows is data in
``workflow.STEP_ACTIONS``; these say which users may act at all."""

from __future__ import annotations

from core.errors import DomainError
from core.scoping import user_scope

from .querysets import convenor_workstation_ids


def can_manage_consultation(user, consultation) -> bool:
    """The organiser: committee office staff of the consultation's committee, or the convenor of the
    workstation that organises it."""
    s = user_scope(user)
    if s.is_superuser:
        return True
    if s.can_manage and consultation.committee_id in s.committee_ids:
        return True
    ws = consultation.organiser_workstation_id
    return bool(ws and ws in convenor_workstation_ids(user))


def can_create_consultation(user) -> bool:
    s = user_scope(user)
    return s.is_superuser or s.can_manage or bool(convenor_workstation_ids(user))


def can_report_outcome(user, outcome) -> bool:
    s = user_scope(user)
    return bool(s.unit_id and outcome.handling_unit_id == s.unit_id) or s.is_superuser


def can_moderate(user, topic) -> bool:
    s = user_scope(user)
    return s.is_superuser or (s.can_manage and topic.committee_id in s.committee_ids)


def can_manage_menu(user, committee_id: int) -> bool:
    s = user_scope(user)
    return s.is_superuser or (s.can_manage and committee_id in s.committee_ids)


def require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise DomainError(message, code="forbidden")
