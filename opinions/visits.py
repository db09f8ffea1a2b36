"""The seam between reception visits (workstations app) and opinion reports: what a visit becomes
when a member clicks "转为社情民意信息", and the public-safe progress the resident's tracking page
shows (registered with ``workstations.progress`` in ``OpinionsConfig.ready``)."""

from __future__ import annotations

from core.errors import DomainError
from core.scoping import user_scope

# Visit categories (workstations) → report categories.
CATEGORY_MAP = {
    "traffic": "transport", "municipal": "urban", "housing": "urban", "education": "education",
    "health": "health", "elderly": "social", "environment": "environment", "employment": "social",
    "agriculture": "agriculture", "economy": "economy", "governance": "governance", "other": "other",
}


def _title(issue: str) -> str:
    first = (issue or "").strip().splitlines()[0] if (issue or "").strip() else "群众反映问题"
    return first if len(first) <= 40 else first[:38] + "……"


def report_fields(visit, *, by) -> dict:
    """Fields of the report a visit becomes. The resident's name and phone stay on the visit."""
    from workstations.models import Visit

    from .models import OpinionReport

    if by is not None and getattr(by, "is_authenticated", False):
        if not Visit.objects.visible_to(by).filter(pk=visit.pk).exists():
            raise DomainError("您无权处理该来访记录。", code="not_found")
    if visit.outcome not in (Visit.Outcome.PENDING, Visit.Outcome.REFERRED, Visit.Outcome.OPINION):
        raise DomainError(f"该来访已办理为“{visit.get_outcome_display()}”，不能再转为社情民意信息。",
                          code="invalid_transition")
    workstation = visit.workstation
    members = []
    member_id = user_scope(by).member_id if by is not None else None
    from members.models import Member

    if member_id:
        members = list(Member.objects.filter(pk=member_id))
    elif visit.reception_day_id:
        members = list(visit.reception_day.duty_members.all())
    if not members and workstation.lead_member_id:
        members = [workstation.lead_member]
    source = OpinionReport.Source.PUBLIC if visit.source == Visit.Source.QR else OpinionReport.Source.VISIT
    return {
        "committee": workstation.committee,
        "title": _title(visit.issue),
        "content": visit.issue,
        "category": CATEGORY_MAP.get(visit.category, "other"),
        "members": members,
        "workstation": workstation,
        "source": source,
    }


def mark_converted(visit, *, report, by) -> None:
    from workstations.models import Visit
    from workstations.services import visit_handle

    if visit.outcome == Visit.Outcome.OPINION:
        return  # already marked on the visit (by its own page); the report now completes the link
    visit_handle(visit=visit, outcome=Visit.Outcome.OPINION, by=by,
                 note=f"已转为社情民意信息（{report.pk}）")


def visit_progress(visit) -> list[tuple]:
    """Public-safe steps of the report a visit became: no names, no numbers, no unit answers."""
    from .models import OpinionReport

    row = OpinionReport.objects.filter(visit_id=visit.pk).values(
        "registered_at", "forwarded_at", "fed_back_at", "carried_back_at", "closed_at", "outcome", "status",
    ).first()
    if not row:
        return []
    steps = []
    if row["registered_at"]:
        steps.append((row["registered_at"], "已登记为社情民意信息。"))
    if row["forwarded_at"]:
        steps.append((row["forwarded_at"], "已转交有关部门。"))
    if row["fed_back_at"]:
        steps.append((row["fed_back_at"], "已反馈：有关部门已答复办理情况。"))
    if row["carried_back_at"]:
        steps.append((row["carried_back_at"], "委员已将办理情况带回告知。"))
    if row["closed_at"] and row["status"] == "closed":
        from .models import Outcome

        label = dict(Outcome.choices).get(row["outcome"], "")
        steps.append((row["closed_at"], f"已办结（{label}）。" if label else "已办结。"))
    return steps
