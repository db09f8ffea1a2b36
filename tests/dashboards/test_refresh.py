"""The summary tables: set-based, idempotent, refreshed by beat and after writes."""

import datetime as dt

from django.db.models import Sum

from core.models import OutboxMessage
from core.sweeps import registered, run_sweeps
from dashboards.models import DailyStat, WorkdayIndex
from dashboards.refresh import stats_refresh
from tests.factories.dashboards import EXPECTED_A


def _total(metric, committee):
    return DailyStat.objects.filter(metric=metric, committee=committee).aggregate(t=Sum("value"))["t"] or 0


def test_refresh_twice_gives_the_same_rows(world):
    before = sorted(DailyStat.objects.values_list("committee_id", "day", "metric", "key", "township_id", "value"))
    stats_refresh(full=True)
    stats_refresh()
    after = sorted(DailyStat.objects.values_list("committee_id", "day", "metric", "key", "township_id", "value"))
    assert before == after


def test_refresh_removes_rows_of_deleted_events(world):
    from workstations.models import Visit

    assert _total("ws.visits", world.A) == EXPECTED_A["ws.visits"]
    Visit.objects.filter(workstation=world.W1).delete()
    stats_refresh()
    assert _total("ws.visits", world.A) == 1


def test_recent_refresh_leaves_older_days_alone_and_full_refresh_catches_up(world):
    from workstations.models import ReceptionDay

    ReceptionDay.objects.filter(workstation=world.W2, date=dt.date(2026, 10, 20)).update(date=dt.date(2026, 1, 20))
    stats_refresh()  # the frequent sweep: the months of the last 35 days only
    assert _total("ws.reception_days", world.A) == 2  # the January copy is not yet counted
    stats_refresh(full=True)  # the daily sweep
    assert _total("ws.reception_days", world.A) == 3


def test_sweeps_are_registered_in_their_groups():
    sweeps = registered()
    assert sweeps["dashboards.refresh"][0] == "frequent"
    assert sweeps["dashboards.refresh_full"][0] == "daily"
    assert sweeps["dashboards.rollups"][0] == "daily"


def test_frequent_sweep_refreshes(world):
    from workstations.models import Visit

    Visit.objects.create(workstation=world.W2, received_on=dt.date(2026, 11, 19), issue="新")
    run_sweeps("frequent")
    assert _total("ws.visits", world.A) == EXPECTED_A["ws.visits"] + 1


def test_a_write_queues_a_refresh_of_its_committee_after_commit(world, django_capture_on_commit_callbacks):
    from workstations.models import Visit

    with django_capture_on_commit_callbacks(execute=True):
        Visit.objects.create(workstation=world.W2, received_on=dt.date(2026, 11, 19), issue="写后刷新")
    msg = OutboxMessage.objects.get(task_name="dashboards.refresh_stats")
    assert msg.args == [[world.A.pk], False]
    assert _total("ws.visits", world.A) == EXPECTED_A["ws.visits"] + 1  # eager relay ran it


def test_writes_in_a_burst_refresh_once(world, django_capture_on_commit_callbacks):
    from workstations.models import Visit

    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            Visit.objects.create(workstation=world.W1, received_on=dt.date(2026, 11, 19), issue=f"批量{i}")
    assert OutboxMessage.objects.filter(task_name="dashboards.refresh_stats").count() == 1


def test_rolled_back_write_queues_nothing(world):
    from django.db import transaction

    from workstations.models import Visit

    try:
        with transaction.atomic():
            Visit.objects.create(workstation=world.W1, received_on=dt.date(2026, 11, 19), issue="回滚")
            raise RuntimeError
    except RuntimeError:
        pass
    assert not OutboxMessage.objects.filter(task_name="dashboards.refresh_stats").exists()


def test_workday_index_follows_calendar_changes(world):
    from core.models import CalendarDay

    from dashboards.refresh import workday_index_rebuild

    assert workday_index_rebuild() == 0  # unchanged calendar: no rebuild
    CalendarDay.objects.create(date=dt.date(2026, 10, 1), is_working_day=False, name="国庆节")
    assert workday_index_rebuild() > 0
    assert not WorkdayIndex.objects.get(day=dt.date(2026, 10, 1)).is_working_day
    o = dict(WorkdayIndex.objects.filter(day__in=[dt.date(2026, 9, 30), dt.date(2026, 10, 2)])
             .values_list("day", "ordinal"))
    assert o[dt.date(2026, 10, 2)] - o[dt.date(2026, 9, 30)] == 1


def test_every_metric_refreshes_without_error(world):
    from dashboards import metrics as M

    written = stats_refresh(full=True)
    assert set(written) == set(M.available()) == set(M.REGISTRY)
    assert all(n >= 0 for n in written.values()), {c: n for c, n in written.items() if n < 0}


def test_a_broken_metric_keeps_its_rows_and_the_others_refresh(world, monkeypatch):
    from dashboards import metrics as M
    from workstations.models import Visit

    before = _total("ws.visits", world.A)
    broken = M.REGISTRY["ws.visits"]
    monkeypatch.setitem(M.REGISTRY, "ws.visits", M.Metric(**{**broken.__dict__, "day": "no_such_field"}))
    Visit.objects.create(workstation=world.W1, received_on=dt.date(2026, 11, 19), issue="x")
    written = stats_refresh(full=True)
    assert written["ws.visits"] == -1 and written["ws.reception_days"] > 0
    assert _total("ws.visits", world.A) == before
