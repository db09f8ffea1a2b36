"""Reminders before and escalation after each deadline: the right people, once per item, stage and
deadline however often the sweep runs."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Notification
from opinions.models import OpinionReport
from opinions.sweeps import opinion_deadlines
from tests.factories.opinions import report_at

pytestmark = pytest.mark.django_db


def _stages(user):
    return sorted(Notification.objects.filter(recipient=user, stage__startswith="opinion.").exclude(
        stage__in=["opinion.received", "opinion.forwarded", "opinion.forwarded.member", "opinion.fed_back",
                   "opinion.carried_back", "opinion.instructed"]).values_list("stage", flat=True))


def test_feedback_reminder_goes_to_the_unit_seven_days_before_and_escalation_after(w):
    report = report_at(w, "forwarded_unit")
    due = report.due_at
    opinion_deadlines(now=due - dt.timedelta(days=10))
    assert _stages(w.unit_user) == []
    opinion_deadlines(now=due - dt.timedelta(days=6))
    opinion_deadlines(now=due - dt.timedelta(days=2))
    assert _stages(w.unit_user) == ["opinion.feedback.due_soon"]
    for hours in (1, 2, 30, 200):
        opinion_deadlines(now=due + dt.timedelta(hours=hours))
    assert _stages(w.unit_user) == ["opinion.feedback.due_soon", "opinion.feedback.overdue.unit"]
    assert _stages(w.leader) == ["opinion.feedback.overdue"]
    assert _stages(w.other_unit_user) == []


def test_registration_reminds_the_office_and_escalates_to_leaders(w):
    report = report_at(w, "received")
    opinion_deadlines(now=report.due_at - dt.timedelta(hours=5))
    assert _stages(w.staff) == ["opinion.registration.due_soon"] and _stages(w.leader) == []
    opinion_deadlines(now=report.due_at + dt.timedelta(hours=1))
    opinion_deadlines(now=report.due_at + dt.timedelta(days=3))
    assert _stages(w.leader) == ["opinion.registration.overdue"]


def test_carry_back_reminds_the_member_and_escalates_to_the_office(w):
    report = report_at(w, "fed_back")
    opinion_deadlines(now=report.due_at - dt.timedelta(days=1))
    assert _stages(w.member_user) == ["opinion.carry_back.due_soon"]
    opinion_deadlines(now=report.due_at + dt.timedelta(days=1))
    assert "opinion.carry_back.overdue" in _stages(w.staff)


def test_a_sweep_uses_a_constant_number_of_queries(w, django_assert_max_num_queries):
    for i in range(20):
        report_at(w, ["received", "forwarded_unit", "fed_back"][i % 3], title=f"问题{i}")
    OpinionReport.objects.update(due_at=timezone.now() - dt.timedelta(hours=1))
    with django_assert_max_num_queries(20):
        result = opinion_deadlines()
    assert result["overdue"] == 20 and result["created"] > 0


def test_overdue_list_shows_leaders_what_is_late_with_the_explanation(w, client):
    late = report_at(w, "forwarded_unit", title="逾期的事")
    report_at(w, "forwarded_unit", title="按期的事")
    OpinionReport.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(w.leader)
    page = client.get("/opinions/overdue/").content.decode()
    assert "逾期的事" in page and "按期的事" not in page and "承办单位反馈社情民意" in page
    client.force_login(w.member_user)
    assert client.get("/opinions/overdue/").status_code == 403
