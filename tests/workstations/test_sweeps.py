"""Reminders 3 days before a planned day and the month-end check: set-based and idempotent."""

import datetime as dt

import pytest

from core.models import Notification
from core.sweeps import registered, run_sweeps
from tests.factories.workstations import make_team
from workstations import services, sweeps
from workstations.models import WorkstationMonthFlag

pytestmark = pytest.mark.django_db


def test_sweeps_are_registered_in_their_groups():
    reg = registered()
    assert reg["workstations.reception_reminders"][0] == "frequent"
    assert reg["workstations.month_end_check"][0] == "daily"


def test_convenor_is_reminded_once_within_three_days_before_a_planned_day(settings):
    settings.RECEPTION_REMINDER_DAYS_BEFORE = 3
    team = make_team()
    today = dt.date(2027, 3, 10)
    far = services.reception_day_plan(workstation=team.ws, date=dt.date(2027, 3, 20))
    near = services.reception_day_plan(workstation=team.ws, date=dt.date(2027, 3, 13))
    assert sweeps.reception_reminders(on=today) == 1
    assert sweeps.reception_reminders(on=today) == 0
    assert sweeps.reception_reminders(on=today + dt.timedelta(days=1)) == 0  # same day item: once
    n = Notification.objects.get()
    assert n.recipient == team.convenor_user and n.object_id == near.pk and "3月13日" in n.title
    # The resident (not a convenor) gets nothing; the far day is not due yet.
    assert not Notification.objects.filter(recipient=team.resident_user).exists()
    assert sweeps.reception_reminders(on=dt.date(2027, 3, 17)) == 1
    assert Notification.objects.filter(object_id=far.pk).count() == 1


def test_cancelled_or_held_days_are_not_reminded():
    team = make_team()
    d = services.reception_day_plan(workstation=team.ws, date=dt.date(2027, 3, 12))
    services.reception_day_cancel(day=d)
    assert sweeps.reception_reminders(on=dt.date(2027, 3, 10)) == 0


def test_reminder_query_count_does_not_grow_with_items(django_assert_max_num_queries):
    teams = [make_team(prefix=f"q{i}") for i in range(6)]
    for t in teams:
        services.reception_day_plan(workstation=t.ws, date=dt.date(2027, 3, 12))
    with django_assert_max_num_queries(10):  # one query per item would be 6 more
        assert sweeps.reception_reminders(on=dt.date(2027, 3, 10)) == 6


def test_month_end_acts_on_the_last_day_and_catches_up_on_the_first():
    assert sweeps.months_to_check(dt.date(2027, 2, 28)) == [dt.date(2027, 2, 1)]
    assert sweeps.months_to_check(dt.date(2027, 3, 1)) == [dt.date(2027, 2, 1)]
    assert sweeps.months_to_check(dt.date(2027, 3, 15)) == []


def test_month_end_flags_workstations_under_the_minimum_and_notifies_each_convenor_once(settings):
    settings.RECEPTION_DAYS_PER_MONTH_MIN = 1
    idle = make_team(prefix="idle")
    busy = make_team(prefix="busy", committee=idle.ws.committee)
    # A past day is logged as held (planning one in the past is refused).
    services.reception_day_log_held(workstation=busy.ws, by=None, member_ids=[busy.convenor.pk],
                                    date=dt.date(2026, 1, 15))
    assert sweeps.month_end_check(on=dt.date(2026, 1, 31)) == 1
    assert sweeps.month_end_check(on=dt.date(2026, 1, 31)) == 0
    assert sweeps.month_end_check(on=dt.date(2026, 2, 1)) == 0  # the catch-up run sends nothing twice
    flag = WorkstationMonthFlag.objects.get()
    assert flag.workstation == idle.ws and flag.month == dt.date(2026, 1, 1) and flag.held_count == 0
    n = Notification.objects.get()
    assert n.recipient == idle.convenor_user and "2026年1月接待日不足" in n.title


def test_run_sweeps_daily_group_uses_today_and_is_harmless_mid_month(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, 0))
    make_team()
    results = run_sweeps("daily")
    assert results["workstations.month_end_check"] == 0
    assert not WorkstationMonthFlag.objects.exists()
