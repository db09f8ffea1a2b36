"""Deadlines: registration in working days (调休 counted), feedback and carry-back in calendar days,
each stored with its explanation; overdue is a QuerySet predicate."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.models import CalendarDay
from opinions.models import OpinionReport
from tests.factories.opinions import report_at

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))


def test_registration_due_counts_working_days_across_national_day_and_make_up_saturday(w):
    from core.calendar_import import calendar_load_official

    calendar_load_official(2026)
    # Received Wednesday 2026-09-30: 10-01..10-07 are holidays, 10-08 (Thu), 10-09 (Fri) and the
    # make-up Saturday 10-10 are working days -> due 10-10.
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH), tick=False):
        report = report_at(w, "received")
    assert timezone.localtime(report.due_at).date() == dt.date(2026, 10, 10)
    assert report.due_stage == "registration"
    assert "3个工作日" in report.due_explanation and "10-10" in report.due_explanation
    assert "调休上班" in report.due_explanation


def test_registration_due_without_holidays_skips_the_weekend(w):
    CalendarDay.objects.all().delete()
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=SH), tick=False):  # a Friday
        report = report_at(w, "received")
    assert timezone.localtime(report.due_at).date() == dt.date(2026, 12, 2)


def test_feedback_and_carry_back_deadlines_follow_their_policies(w):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False):
        report = report_at(w, "forwarded_unit")
    assert timezone.localtime(report.due_at).date() == dt.date(2026, 4, 1)
    assert report.due_stage == "feedback" and "30个自然日" in report.due_explanation
    from opinions import services

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False):
        services.opinion_report_feedback(report=report, by=w.unit_user, content="已办", outcome="resolved")
    assert timezone.localtime(report.due_at).date() == dt.date(2026, 3, 17)
    assert report.due_stage == "carry_back"


def test_overdue_before_at_and_after_the_due_moment(w):
    report = report_at(w, "forwarded_unit")
    due = report.due_at
    qs = OpinionReport.objects.all()
    assert not qs.overdue(now=due - dt.timedelta(seconds=1)).exists()
    assert not qs.overdue(now=due).exists()
    assert qs.overdue(now=due + dt.timedelta(seconds=1)).exists()
    assert qs.due_soon(7, now=due - dt.timedelta(days=6)).exists()
    assert not qs.due_soon(7, now=due - dt.timedelta(days=8)).exists()


def test_closed_reports_are_never_overdue(w):
    report = report_at(w, "closed")
    assert report.due_at is None
    assert not OpinionReport.objects.overdue(now=timezone.now() + dt.timedelta(days=400)).exists()
