"""Who may do what at a workstation: the one place the app's permission rules live. Services call
``require_*`` before they write, so pages, the API and admin actions refuse alike with
:class:`core.errors.Forbidden` (403, Chinese message). ``by=None`` is the system itself (demo data,
sweeps, imports), never a request: every page and API call passes ``request.user``.

Who counts as what is one definition each, the ``Q`` objects in ``querysets`` (so a list of what a
user may manage and the check on one workstation cannot disagree):

- manage (calendar, roster, checklist, public issues, members): committee staff of the workstation's
  committee tree, and the workstation's lead member and convenors;
- log a held reception day: those who manage it and its current members;
- carry a visitor's issue up (turn a visit into an opinion report or a proposal, 带上来): the same
  people as logging, since the members who received the resident are the ones who carry their words;
  every other move of a visit (answered, helped, referred to a unit…) is the managers' to make.
"""

from __future__ import annotations

from core.errors import Forbidden
from core.scoping import user_scope

from .models import ReceptionDay, Visit, Workstation


def _system(user) -> bool:
    return user is None


def can_manage(user, workstation: Workstation) -> bool:
    if _system(user):
        return True
    return Workstation.objects.manageable_by(user).filter(pk=workstation.pk).exists()


def can_log_reception(user, workstation: Workstation) -> bool:
    if _system(user):
        return True
    return Workstation.objects.loggable_by(user).filter(pk=workstation.pk).exists()


def can_create_workstation(user, committee) -> bool:
    if _system(user):
        return True
    s = user_scope(user)
    return s.is_superuser or (s.can_manage and committee.pk in s.committee_ids)


def require_manage(user, workstation: Workstation, action: str) -> None:
    if not can_manage(user, workstation):
        raise Forbidden(f"只有{workstation.name}的召集人、领衔委员或政协机关工作人员可以{action}。")


def require_log_reception(user, workstation: Workstation) -> None:
    if not can_log_reception(user, workstation):
        raise Forbidden(f"只有{workstation.name}的入驻委员、召集人或政协机关工作人员可以登记接待日。")


def require_create_workstation(user, committee) -> None:
    if not can_create_workstation(user, committee):
        raise Forbidden("只有本政协组织的机关工作人员可以设立委员工作室。")


def require_members(user, workstation: Workstation) -> None:
    require_manage(user, workstation, "调整工作室委员")


def require_plan_calendar(user, workstation: Workstation) -> None:
    require_manage(user, workstation, "安排接待日")


def require_duty(user, day: ReceptionDay) -> None:
    require_manage(user, day.workstation, "安排值班委员")


def require_roster(user, workstation: Workstation) -> None:
    require_manage(user, workstation, "安排值班委员")


def require_visits(user, workstation: Workstation) -> None:
    require_manage(user, workstation, "查看和办理群众诉求")


def require_poster(user, workstation: Workstation) -> None:
    require_manage(user, workstation, "打印二维码海报")


def require_checklist(user, workstation: Workstation) -> None:
    require_manage(user, workstation, "登记“六有”佐证")


CARRY_UP_OUTCOMES = frozenset({Visit.Outcome.OPINION, Visit.Outcome.PROPOSAL})


def can_carry_up(user, visit: Visit) -> bool:
    return can_log_reception(user, visit.workstation)


def require_handle_visit(user, visit: Visit, outcome: str | None = None) -> None:
    """Managers make every move of a visit; the workstation's members may also carry it up
    (``outcome`` in :data:`CARRY_UP_OUTCOMES`)."""
    if outcome in CARRY_UP_OUTCOMES and can_carry_up(user, visit):
        return
    require_manage(user, visit.workstation, "办理群众诉求")
