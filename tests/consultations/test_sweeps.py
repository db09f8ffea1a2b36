"""Deadline sweeps: reminders before, escalation after, each once, and the automatic follow-up visit."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from consultations import sweeps
from consultations.models import Consultation, FollowUpVisit
from core.models import Notification
from core.sweeps import registered
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    return make_env()


def _stages(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("stage", flat=True))


def test_research_lead_is_reminded_seven_days_before_and_committee_when_overdue(env):
    today = timezone.localdate()
    c = make_consultation(env, research_due_on=today + dt.timedelta(days=10))
    sweeps.research_deadlines()
    assert _stages(env.chair_user) == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        sweeps.research_deadlines()
        sweeps.research_deadlines()
    assert _stages(env.chair_user) == ["consultation.research.due_soon"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=12)):
        sweeps.research_deadlines()
        sweeps.research_deadlines()
    assert _stages(env.staff) == ["consultation.research.overdue"]
    assert Notification.objects.get(recipient=env.staff).object_id == c.pk


def test_minutes_overdue_goes_to_the_committee_office(env):
    c = advance(env, make_consultation(env), S.HELD)
    with time_machine.travel(c.due_at - dt.timedelta(days=1)):
        sweeps.minutes_deadlines()
    assert _stages(env.staff) == ["consultation.minutes.due_soon"]  # the office organises it
    with time_machine.travel(c.due_at + dt.timedelta(hours=2)):
        sweeps.minutes_deadlines()
        sweeps.minutes_deadlines()
    assert _stages(env.staff) == ["consultation.minutes.due_soon", "consultation.minutes.overdue"]


def test_overdue_outcome_escalates_once_to_unit_and_leader(env):
    c = advance(env, make_consultation(env), S.CONVERTING)
    o = c.outcomes.get()
    with time_machine.travel(o.due_at - dt.timedelta(days=3)):
        for name, (_, fn) in registered().items():
            if name.startswith("consultations."):
                fn()
    assert _stages(env.unit_user) == ["consultation.outcome.assigned", "consultation.outcome.due_soon"]
    for days in (1, 2, 9):  # swept on several later days
        with time_machine.travel(o.due_at + dt.timedelta(days=days)):
            sweeps.outcome_deadlines()
            sweeps.outcome_deadlines()
    assert _stages(env.leader).count("consultation.outcome.overdue") == 1
    assert _stages(env.unit_user).count("consultation.outcome.overdue") == 1
    assert _stages(env.other_unit_user) == []


def test_follow_up_is_scheduled_automatically_ninety_days_after_sending_once(env):
    c = advance(env, make_consultation(env), S.CONVERTING)
    assert sweeps.follow_up_autoschedule() == 0
    with time_machine.travel(c.follow_up_due_at + dt.timedelta(minutes=1)):
        assert sweeps.follow_up_autoschedule() == 1
        assert sweeps.follow_up_autoschedule() == 0
    c.refresh_from_db()
    assert c.step == S.FOLLOW_UP
    visit = c.follow_ups.get()
    assert visit.trigger == FollowUpVisit.Trigger.DUE
    assert "consultation.follow_up.scheduled" in _stages(env.staff)


def test_sweep_schedules_follow_up_when_all_items_are_done_even_without_the_task(env):
    from consultations import services

    c = advance(env, make_consultation(env), S.CONVERTING)
    # Reported outside on_commit (the outbox task never ran): the sweep catches up.
    services.outcome_report(outcome=c.outcomes.get(), result="done", report="已办结", by=env.unit_user)
    assert sweeps.follow_up_autoschedule() == 1
    assert sweeps.follow_up_autoschedule() == 0
    assert c.follow_ups.get().trigger == FollowUpVisit.Trigger.ALL_DONE


def test_follow_up_not_held_in_time_goes_to_leaders_once(env):
    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    visit = c.follow_ups.get()
    for days in (1, 3):
        with time_machine.travel(visit.due_at + dt.timedelta(days=days)):
            sweeps.follow_up_deadlines()
    assert _stages(env.leader) == ["consultation.follow_up.overdue"]


def test_one_open_follow_up_per_consultation_is_a_database_constraint(env):
    from django.db import IntegrityError, transaction

    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpVisit.objects.create(consultation=c, scheduled_on=timezone.localdate())
