"""Deadline sweeps: reminders before, escalation after, each once per stage (frozen time)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.models import Notification
from proposals import services
from proposals.models import Evaluation, Proposal
from proposals.selectors import overdue_reviews
from proposals.sweeps import proposal_deadlines
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))), tick=False)


def stages(user):
    return sorted(Notification.objects.filter(recipient=user, stage__startswith="proposal.answer")
                  .values_list("stage", "day"))


def test_unit_is_reminded_30_and_7_days_before_and_on_the_day_then_escalated_weekly():
    w = f.proposal_world()
    start = dt.date(2026, 3, 2)
    with at(start):
        p = f.assigned(w)
    due = timezone.localtime(p.assignments.get(role="lead").due_at).date()
    assert due == start + dt.timedelta(days=90)
    with at(due - dt.timedelta(days=31)):
        proposal_deadlines()
        assert stages(w.lead_user) == []
    for days_before, stage in ((30, "proposal.answer.d30"), (7, "proposal.answer.d7"), (0, "proposal.answer.d0")):
        with at(due - dt.timedelta(days=days_before)):
            proposal_deadlines()
            proposal_deadlines()  # a second run sends nothing twice
        assert (stage, due - dt.timedelta(days=days_before)) in stages(w.lead_user)
    assert len(stages(w.lead_user)) == 3
    assert stages(w.co_user) == []  # co-units countersign; they do not owe the answer
    with at(due + dt.timedelta(days=1)):
        proposal_deadlines()
        proposal_deadlines()
    assert ("proposal.answer.overdue", due + dt.timedelta(days=1)) in stages(w.lead_user)
    assert Notification.objects.filter(recipient=w.staff, stage="proposal.answer.overdue").count() == 1
    with at(due + dt.timedelta(days=5)):
        proposal_deadlines()
    assert len(stages(w.lead_user)) == 4  # same overdue week: nothing new
    with at(due + dt.timedelta(days=8)):
        proposal_deadlines()
    assert ("proposal.answer.overdue", due + dt.timedelta(days=8)) in stages(w.lead_user)
    assert len(stages(w.lead_user)) == 5


def test_key_proposal_overdue_escalates_to_the_supervising_leader():
    w = f.proposal_world()
    start = dt.date(2026, 3, 2)
    with at(start):
        p = services.proposal_mark_key(proposal=f.filed(w), leader=w.leader, answer_days=20, by=w.staff)
        p = services.proposal_assign(proposal=p, by=w.staff, lead_unit=w.lead_unit)
    with at(start + dt.timedelta(days=21)):
        proposal_deadlines()
    assert Notification.objects.filter(recipient=w.leader, stage="proposal.answer.overdue").count() == 1
    assert not Notification.objects.filter(recipient=w.staff, stage="proposal.answer.overdue").exists()


def test_a_late_first_sweep_sends_only_the_current_stage():
    w = f.proposal_world()
    start = dt.date(2026, 3, 2)
    with at(start):
        p = f.assigned(w)
    due = timezone.localtime(p.assignments.get(role="lead").due_at).date()
    with at(due - dt.timedelta(days=5)):
        proposal_deadlines()
    assert stages(w.lead_user) == [("proposal.answer.d7", due - dt.timedelta(days=7))]


def test_answered_assignments_get_no_reminders():
    w = f.proposal_world()
    start = dt.date(2026, 3, 2)
    with at(start):
        p = f.answered(w)
    with at(start + dt.timedelta(days=85)):
        proposal_deadlines()
    assert stages(w.lead_user) == []


def test_office_reminded_3_days_before_review_deadline_and_leaders_see_overdue_reviews():
    w = f.proposal_world()
    start = dt.date(2026, 4, 1)
    with at(start):
        p = f.submitted(w)
    due = start + dt.timedelta(days=15)
    with at(due - dt.timedelta(days=4)):
        proposal_deadlines()
    assert not Notification.objects.filter(recipient=w.staff, stage="proposal.review.soon").exists()
    with at(due - dt.timedelta(days=3)):
        proposal_deadlines()
        proposal_deadlines()
    assert Notification.objects.filter(recipient=w.staff, stage="proposal.review.soon").count() == 1
    with at(due + dt.timedelta(days=1)):
        proposal_deadlines()
        assert list(overdue_reviews(user=w.leader)) == [p]
    assert Notification.objects.filter(recipient=w.leader, stage="proposal.review.overdue").count() == 1


def test_member_reminded_7_days_before_evaluation_deadline_then_recorded_as_not_evaluated():
    w = f.proposal_world()
    start = dt.date(2026, 5, 4)
    with at(start):
        p = f.released(w)
    due = start + dt.timedelta(days=30)
    with at(due - dt.timedelta(days=7)):
        proposal_deadlines()
        proposal_deadlines()
    assert Notification.objects.filter(recipient=w.member_user, stage="proposal.evaluation.soon").count() == 1
    with at(due, 20):
        proposal_deadlines()
    assert Proposal.objects.get(pk=p.pk).status == Proposal.Status.RELEASED
    with at(due + dt.timedelta(days=1)):
        result = proposal_deadlines()
        assert result["evaluation"]["closed_unevaluated"] == 1
        assert proposal_deadlines()["evaluation"]["closed_unevaluated"] == 0
    p.refresh_from_db()
    assert p.status == Proposal.Status.CLOSED
    assert Evaluation.objects.get(proposal=p).result == Evaluation.Result.NOT_EVALUATED


def test_co_unit_is_chased_when_its_countersign_is_overdue():
    w = f.proposal_world()
    start = dt.date(2026, 6, 1)  # a Monday: 5 working days → 2026-06-08
    with at(start):
        f.answered(w)
    with at(dt.date(2026, 6, 9)):
        proposal_deadlines()
        proposal_deadlines()
    assert Notification.objects.filter(recipient=w.co_user, stage="proposal.countersign.overdue").count() == 1
