"""Who may do what with consultations: the app's one rules module. Services call ``require_*``
before they write, so pages, the API and admin actions refuse alike with
:class:`core.errors.Forbidden` (403, Chinese message); pages and API ask the same functions first
only to refuse before validating input. What each step allows is data in ``workflow.STEP_ACTIONS``
(:func:`require_action` asks it after the role). ``by=None`` is the system itself (sweeps, demo data,
imports), never a request: every page and API call passes ``request.user``."""

from __future__ import annotations

from core.errors import DomainError, Forbidden
from core.scoping import user_scope

from .querysets import convenor_workstation_ids


def _system(user) -> bool:
    return user is None


def _office_staff(user, committee_id: int | None) -> bool:
    s = user_scope(user)
    return s.is_superuser or (s.can_manage and committee_id in s.committee_ids)


# --- Predicates (for pages deciding what to show) -------------------------------------------------

def can_manage_consultation(user, consultation) -> bool:
    """The organiser: committee office staff of the consultation's committee, or the convenor of the
    workstation that organises it."""
    if _system(user) or _office_staff(user, consultation.committee_id):
        return True
    ws = consultation.organiser_workstation_id
    return bool(ws and ws in convenor_workstation_ids(user))


def can_create_consultation(user, committee_id: int | None = None, organiser_workstation=None) -> bool:
    """Office staff for their committee; a convenor only for a consultation their own workstation
    organises. Without arguments: may this user create any consultation at all (the "new" button)."""
    if _system(user):
        return True
    s = user_scope(user)
    if committee_id is None:
        return s.is_superuser or s.can_manage or bool(convenor_workstation_ids(user))
    if _office_staff(user, committee_id):
        return True
    return organiser_workstation is not None and organiser_workstation.pk in convenor_workstation_ids(user)


def can_report_outcome(user, outcome) -> bool:
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or bool(s.unit_id and outcome.handling_unit_id == s.unit_id)


def can_moderate(user, topic) -> bool:
    return _system(user) or _office_staff(user, topic.committee_id)


def can_manage_menu(user, committee_id: int) -> bool:
    return _system(user) or _office_staff(user, committee_id)


def can_claim(user, member) -> bool:
    """A member claims menu topics for themself."""
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or bool(s.member_id and s.member_id == member.pk)


# --- Requirements (services call these; Forbidden is a 403) ---------------------------------------

def require_manage(user, consultation, action: str = "办理该协商活动") -> None:
    if not can_manage_consultation(user, consultation):
        raise Forbidden(f"只有协商活动的组织方（政协机关工作人员或组织工作室的召集人）可以{action}。")


def require_action(user, consultation, action: str) -> None:
    """The role first (403), then what the consultation's current step allows (400, the workflow's
    own message)."""
    from .workflow import ACTION_LABELS, action_refusal

    require_manage(user, consultation, ACTION_LABELS.get(action, "办理该协商活动"))
    refusal = action_refusal(consultation, action)
    if refusal:
        raise DomainError(refusal, code="invalid_transition")


def require_create_any(user) -> None:
    """The "new consultation" page and API: office staff and workstation convenors only."""
    if not can_create_consultation(user):
        raise Forbidden("只有政协机关工作人员或工作室召集人可以遴选议题、组织协商。")


def require_create(user, committee, organiser_workstation=None) -> None:
    if not can_create_consultation(user, committee.pk, organiser_workstation):
        if convenor_workstation_ids(user):
            raise Forbidden("工作室召集人只能为本工作室组织协商。", field="organiser_workstation")
        raise Forbidden("只有本政协组织的机关工作人员或工作室召集人可以遴选议题、组织协商。")


def require_create_topic(user, committee) -> None:
    """A topic is selected by the committee's office, or by a convenor of one of its workstations
    (who then organises it there: :func:`require_create` checks the workstation)."""
    if _system(user) or _office_staff(user, committee.pk):
        return
    if user_scope(user).committee_id == committee.pk and convenor_workstation_ids(user):
        return
    raise Forbidden("只有本政协组织的机关工作人员或工作室召集人可以遴选议题。")


def require_report_outcome(user, outcome) -> None:
    if not can_report_outcome(user, outcome):
        raise Forbidden("只有承办该成果事项的单位可以报告办理情况。")


def require_moderate(user, topic) -> None:
    if not can_moderate(user, topic):
        raise Forbidden("只有本政协组织的机关工作人员可以审核公开征集的意见。")


def require_manage_menu(user, committee_id: int) -> None:
    if not can_manage_menu(user, committee_id):
        raise Forbidden("只有本政协组织的机关工作人员可以编制和发布履职菜单。")


def require_office_reader(user) -> None:
    """Office lists (the leaders' overdue list): staff and leaders of a committee."""
    if not user_scope(user).is_office:
        raise Forbidden("只有政协机关工作人员和领导可以查看逾期清单。")


def require_moderation_desk(user) -> None:
    """The moderation list: office staff (each comment is then checked by :func:`require_moderate`)."""
    s = user_scope(user)
    if not (s.is_superuser or s.can_manage):
        raise Forbidden("只有政协机关工作人员可以审核公开征集的意见。")


def claiming_member(user):
    """The member a user claims menu topics as (Forbidden for logins without a member)."""
    from members.models import Member

    member = Member.objects.filter(pk=user_scope(user).member_id).first() if user_scope(user).member_id else None
    if member is None:
        raise Forbidden("只有委员可以认领履职菜单。")
    return member


def require_claim(user, member) -> None:
    if not can_claim(user, member):
        raise Forbidden("只有委员本人可以认领履职菜单。")


def require_unclaim(user, claim) -> None:
    if not can_claim(user, claim.member):
        raise Forbidden("只能取消本人的认领。")
