"""Status tables. Only these workflows write ``ReceptionDay.status`` and ``Visit.outcome``."""

from __future__ import annotations

from core.workflow import Workflow, always

from .models import ReceptionDay, Visit

S = ReceptionDay.Status
O = Visit.Outcome


def _day_not_in_future(day, **kwargs) -> str | None:
    from django.utils import timezone

    if day.date > timezone.localdate():
        return f"接待日{day.date:%Y年%m月%d日}尚未到来，不能登记为已举行。"
    return None


RECEPTION_DAY_TRANSITIONS = {
    S.PLANNED: {S.HELD: _day_not_in_future, S.CANCELLED: always},
    S.CANCELLED: {S.PLANNED: always},
    S.HELD: {},
}

reception_day_workflow = Workflow(
    model=ReceptionDay, transitions=RECEPTION_DAY_TRANSITIONS, code_prefix="workstations.reception_day",
)


def _unit_required(visit, *, handling_unit=None, **kwargs) -> str | None:
    if handling_unit is None and visit.handling_unit_id is None:
        return "转交承办单位时请选择承办单位。"
    return None


VISIT_TRANSITIONS = {
    O.PENDING: {O.ANSWERED: always, O.HELPED: always, O.REFERRED: _unit_required, O.OPINION: always,
                O.PROPOSAL: always},
    O.REFERRED: {O.HELPED: always, O.ANSWERED: always, O.OPINION: always, O.PROPOSAL: always},
    # Something answered or done on the spot may still be written up as a report or a proposal.
    O.ANSWERED: {O.OPINION: always, O.PROPOSAL: always},
    O.HELPED: {O.OPINION: always, O.PROPOSAL: always},
    O.OPINION: {},
    O.PROPOSAL: {},
}

def _record_handling(visit, from_state, to_state, by, kwargs) -> None:
    if kwargs.get("handling_unit") is not None:
        visit.handling_unit = kwargs["handling_unit"]
    if kwargs.get("outcome_note"):
        visit.outcome_note = kwargs["outcome_note"]


visit_workflow = Workflow(
    model=Visit, transitions=VISIT_TRANSITIONS, code_prefix="workstations.visit", field="outcome",
    on_enter={state: _record_handling for state in O.values},
)
