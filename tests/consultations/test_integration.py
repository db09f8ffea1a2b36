"""With a real Celery worker and beat (sweeps every 2 s): the follow-up visit is scheduled once when
every outcome item is reported done, and an overdue outcome escalates once."""

import datetime as dt

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, FollowUpVisit, Outcome
from core.models import Notification, StateChange
from tests.conftest import wait_for
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
S = Consultation.Step


def _retry(fn):
    """SQLite lets one writer in at a time and the worker's sweeps write too. A refused write was
    rolled back whole (services are atomic), so trying again is safe. PostgreSQL never needs it."""
    from django.db import OperationalError

    result = {}

    def attempt():
        try:
            result["value"] = fn()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            return False
        return True

    wait_for(attempt, timeout=30, message="the SQLite write lock")
    return result["value"]


def _sweep_runs(stack) -> int:
    log = stack.workdir / "worker.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines() if "core.run_sweeps[" in line and "succeeded" in line)


def _wait_more_sweeps(stack, n: int = 3):
    start = _sweep_runs(stack)
    wait_for(lambda: _sweep_runs(stack) >= start + n, timeout=90,
             message=f"{n} more sweep runs\n" + stack.logs())


def test_follow_up_is_scheduled_once_when_all_outcomes_are_reported_done(celery_stack):
    env = make_env("coi")
    c = advance(env, make_consultation(env), S.CONVERTING, units=[env.unit, env.other_unit])
    celery_stack.start_worker()
    celery_stack.start_beat()
    _wait_more_sweeps(celery_stack, 1)
    assert not FollowUpVisit.objects.exists()  # one item is still open after the first report
    _retry(lambda: services.outcome_report(outcome=c.outcomes.get(handling_unit=env.unit), result="done",
                                           report="已办结", by=env.unit_user))
    _wait_more_sweeps(celery_stack, 2)
    assert not FollowUpVisit.objects.exists()
    _retry(lambda: services.outcome_report(outcome=c.outcomes.get(handling_unit=env.other_unit), result="cannot",
                                           report="涉及上级资金，已列入明年计划", by=env.other_unit_user))
    wait_for(lambda: FollowUpVisit.objects.filter(consultation=c).exists(), timeout=60,
             message="the follow-up visit to be scheduled\n" + celery_stack.logs())
    _wait_more_sweeps(celery_stack, 3)
    assert FollowUpVisit.objects.filter(consultation=c).count() == 1
    visit = FollowUpVisit.objects.get(consultation=c)
    assert visit.trigger == FollowUpVisit.Trigger.ALL_DONE
    c.refresh_from_db()
    assert c.step == S.FOLLOW_UP
    assert StateChange.objects.filter(object_id=c.pk, to_state=S.FOLLOW_UP,
                                      code="consultations.consultation.follow_up").count() == 1
    assert Notification.objects.filter(stage="consultation.follow_up.scheduled", recipient=env.staff).count() == 1


def test_overdue_outcome_escalates_once(celery_stack):
    env = make_env("coj")
    c = advance(env, make_consultation(env), S.CONVERTING)
    o = c.outcomes.get()
    # The item was assigned 61 days ago: its 60-day deadline passed yesterday.
    Outcome.objects.filter(pk=o.pk).update(assigned_at=timezone.now() - dt.timedelta(days=61),
                                           due_at=timezone.now() - dt.timedelta(days=1))
    celery_stack.start_worker()
    celery_stack.start_beat()
    wait_for(lambda: Notification.objects.filter(stage="consultation.outcome.overdue").count() >= 2, timeout=90,
             message="the overdue outcome to escalate\n" + celery_stack.logs())
    _wait_more_sweeps(celery_stack, 3)
    rows = list(Notification.objects.filter(stage="consultation.outcome.overdue").values_list("recipient_id", flat=True))
    assert sorted(rows) == sorted([env.unit_user.pk, env.leader.pk])
    wait_for(lambda: Notification.objects.filter(stage="consultation.outcome.overdue", emailed_at__isnull=False
                                                 ).count() == 2, timeout=60,
             message="the escalation to be e-mailed\n" + celery_stack.logs())
