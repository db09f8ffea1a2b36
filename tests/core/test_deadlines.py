import datetime as dt

import pytest

from core.deadlines import add_working_days, compute_due
from core.models import CalendarDay, DeadlinePolicy

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends():
    # 2026-11-26 is a Thursday: 3 working days later is Tuesday 12-01.
    assert add_working_days(dt.date(2026, 11, 26), 3)[0] == dt.date(2026, 12, 1)


def test_working_days_skip_holidays_and_count_make_up_days():
    CalendarDay.objects.create(date=dt.date(2026, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=dt.date(2026, 10, 2), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_working_day=True, name="国庆调休")
    # Wednesday 09-30 + 3 working days: 10-01 and 10-02 are holidays, 10-03/04 weekend -> 10-05, 06, 07.
    assert add_working_days(dt.date(2026, 9, 30), 3)[0] == dt.date(2026, 10, 7)
    # Friday 10-09 + 1 working day: Saturday 10-10 is a make-up working day.
    assert add_working_days(dt.date(2026, 10, 9), 1)[0] == dt.date(2026, 10, 10)


def test_policy_row_overrides_setting_and_explains_itself():
    due = compute_due("opinion.registration", dt.date(2026, 11, 26))
    assert due.on == dt.date(2026, 12, 1)
    assert "3个工作日" in due.explanation and "2026-12-01" in due.explanation
    DeadlinePolicy.objects.create(code="opinion.registration", name="社情民意登记", days=10, day_kind="calendar")
    due = compute_due("opinion.registration", dt.date(2026, 11, 26))
    assert due.on == dt.date(2026, 12, 6)
    assert "10个自然日" in due.explanation
