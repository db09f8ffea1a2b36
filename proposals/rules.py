"""Who may do what to a proposal. Predicates take the user and the object; services call
``require(...)`` so pages and API refuse alike (a DomainError with a Chinese message)."""

from __future__ import annotations

from core.errors import DomainError
from core.scoping import Role, user_scope

from .models import Proposal, ProposalCosigner, UnitAssignment


def is_proposer(user, proposal: Proposal) -> bool:
    s = user_scope(user)
    return bool(s.member_id and proposal.member_id == s.member_id)


def is_cosigner(user, cosigner: ProposalCosigner) -> bool:
    s = user_scope(user)
    return bool(s.member_id and cosigner.member_id == s.member_id)


def is_office_staff(user, proposal: Proposal | None = None) -> bool:
    s = user_scope(user)
    if s.is_superuser:
        return True
    if not s.can_manage:
        return False
    return proposal is None or proposal.committee_id in s.committee_ids


def can_edit(user, proposal: Proposal) -> bool:
    """The proposer edits a draft; staff may enter and edit on behalf of members and groups."""
    return is_proposer(user, proposal) or is_office_staff(user, proposal)


def is_assigned_unit(user, assignment: UnitAssignment) -> bool:
    s = user_scope(user)
    return s.is_superuser or bool(s.unit_id and assignment.unit_id == s.unit_id)


def is_supervising_leader(user, proposal: Proposal) -> bool:
    s = user_scope(user)
    if s.is_superuser:
        return True
    return s.has(Role.LEADER) and proposal.is_key and proposal.supervising_leader_id == user.pk


def can_evaluate(user, proposal: Proposal) -> bool:
    """The lead member evaluates; staff may record a group's (or a member's phoned-in) evaluation."""
    return is_proposer(user, proposal) or is_office_staff(user, proposal)


def require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise DomainError(message, code="forbidden")
