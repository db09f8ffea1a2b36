"""Celery tasks for consultations: thin wrappers that take ids and call idempotent services."""

from __future__ import annotations

from core.tasks import portal_task


@portal_task(name="consultations.schedule_follow_up")
def schedule_follow_up(consultation_id: int) -> bool:
    """All outcome items were reported done: schedule the follow-up visit. Running twice (at-least-once
    delivery, or after the sweep already did it) schedules nothing the second time."""
    from .models import Consultation, FollowUpVisit
    from .services import follow_up_schedule

    c = Consultation.objects.filter(pk=consultation_id).first()
    if c is None or c.outcomes.open().exists():
        return False
    return follow_up_schedule(consultation=c, trigger=FollowUpVisit.Trigger.ALL_DONE) is not None
