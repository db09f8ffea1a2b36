"""Who may do what to a proposal: the one place. Predicates take the user and the object; every
write service calls a ``require_*`` (or ``require``) here, so pages, API, admin actions and imports
refuse alike with :class:`core.errors.Forbidden` (403 on the API and on pages). Workflow guards in
``workflow.py`` only check the proposal's state, never the user.

``None`` (or an anonymous user) as ``by`` means the system (sweeps, other apps' conversions)."""

from __future__ import annotations

from core.errors import Forbidden
from core.scoping import Role, user_scope

from .models import Proposal, ProposalCosigner, PublicComment, UnitAssignment


def _system(user) -> bool:
    return user is None or not getattr(user, "is_authenticated", False)


def is_proposer(user, proposal: Proposal) -> bool:
    s = user_scope(user)
    return bool(s.member_id and proposal.member_id == s.member_id)


def is_cosigner(user, cosigner: ProposalCosigner) -> bool:
    s = user_scope(user)
    return bool(s.member_id and cosigner.member_id == s.member_id)


def is_office_staff(user, proposal: Proposal | None = None) -> bool:
    """Committee staff (not leaders: they read and instruct) of the proposal's committee tree."""
    s = user_scope(user)
    if s.is_superuser:
        return True
    if not s.can_manage:
        return False
    return proposal is None or proposal.committee_id in s.committee_ids


def can_create(user, *, committee, member=None) -> bool:
    """A member drafts their own proposal; staff enter one (for a member or a group) in their
    committee tree; the system (other apps' conversions, by=None) may always."""
    if _system(user):
        return True
    s = user_scope(user)
    if s.is_superuser:
        return True
    if member is not None and s.member_id and member.pk == s.member_id:
        return True
    return s.can_manage and committee is not None and committee.pk in s.committee_ids


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


def can_supervise(user, proposal: Proposal) -> bool:
    return is_supervising_leader(user, proposal) or is_office_staff(user, proposal)


def can_evaluate(user, proposal: Proposal) -> bool:
    """The lead member evaluates; staff may record a group's (or a member's phoned-in) evaluation."""
    return is_proposer(user, proposal) or is_office_staff(user, proposal)


def can_rehandle(user, proposal: Proposal) -> bool:
    """重新办理 follows the lead member's (or the office's recorded) unsatisfied evaluation."""
    return _system(user) or can_evaluate(user, proposal)


def can_moderate_comment(user, comment: PublicComment) -> bool:
    """Staff of the proposal's committee moderate public comments; a leader (view-only) may not."""
    return is_office_staff(user, comment.opening.proposal)


def replying_unit_id(user, comment: PublicComment) -> int | None:
    """The handling unit the user replies for, if it handles the commented proposal."""
    s = user_scope(user)
    if s.unit_id and UnitAssignment.objects.filter(proposal_id=comment.opening.proposal_id,
                                                   unit_id=s.unit_id).exists():
        return s.unit_id
    return None


def can_reply_comment(user, comment: PublicComment) -> bool:
    return replying_unit_id(user, comment) is not None or is_office_staff(user, comment.opening.proposal)


def require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise Forbidden(message)


def require_answering_login(user) -> None:
    """Before any input is read: only handling units (and superusers) answer at all; which
    assignment a unit may answer is ``is_assigned_unit``."""
    s = user_scope(user)
    require(s.is_superuser or bool(s.unit_id), "只有承办单位可以提交答复。")


def require_evaluating_login(user) -> None:
    """Before any input is read: only members (their own proposals) and staff (on their behalf)
    evaluate at all; which proposal is ``can_evaluate``."""
    s = user_scope(user)
    require(s.is_superuser or bool(s.member_id) or s.can_manage, "只有领衔委员可以评价答复。")


def require_create(user, *, committee, member=None) -> None:
    require(can_create(user, committee=committee, member=member), "只能为本人或本政协（代为）登记提案。")


def require_office(user, proposal: Proposal) -> None:
    require(is_office_staff(user, proposal), "只有政协机关工作人员可以进行此操作。")


def require_moderate_comment(user, comment: PublicComment) -> None:
    require(can_moderate_comment(user, comment), "只有政协机关工作人员可以审核公众意见。")


def require_reply_comment(user, comment: PublicComment) -> None:
    require(can_reply_comment(user, comment), "只有承办单位可以回复公众意见。")
