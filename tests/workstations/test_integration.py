"""Real Celery worker and beat: the month-end check, and follow-up work surviving a Redis outage."""

from __future__ import annotations

import calendar
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, OutboxMessage, TaskRun
from members.models import PointEntry
from tests.conftest import wait_for
from tests.factories.workstations import make_team
from workstations import services
from workstations.models import ReceptionDay, Visit, WorkstationMonthFlag

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_month_end_check_run_twice_by_the_worker_notifies_each_convenor_once(celery_stack, settings):
    from config.celery import app

    settings.RECEPTION_DAYS_PER_MONTH_MIN = 1
    today = timezone.localdate()
    idle1 = make_team(prefix="idle1")
    idle2 = make_team(prefix="idle2", committee=idle1.ws.committee)
    busy = make_team(prefix="busy", committee=idle1.ws.committee)
    first = today.replace(day=1)
    services.reception_day_log_held(workstation=busy.ws, by=busy.convenor_user, member_ids=[busy.convenor.pk],
                                    date=first)
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])

    celery_stack.start_worker()
    celery_stack.start_beat()
    for _ in range(2):
        app.send_task("workstations.month_end_check", kwargs={"on": month_end.isoformat()})
    runs = TaskRun.objects.filter(key__startswith=f"workstations.month_end_check:{month_end.isoformat()}:")
    wait_for(lambda: runs.count() >= 2, timeout=90, message="the worker to run the month-end check twice")

    stage = "workstations.month.under_min"
    assert sorted(Notification.objects.filter(stage=stage).values_list("recipient__username", flat=True)) == [
        "idle1_convenor", "idle2_convenor"]
    assert set(WorkstationMonthFlag.objects.values_list("workstation_id", flat=True)) == {idle1.ws.pk, idle2.ws.pk}
    # The e-mail follow-up went out through the outbox, once per notification.
    wait_for(lambda: Notification.objects.filter(stage=stage, emailed_at__isnull=False).count() == 2, timeout=60,
             message="the notification e-mails\n" + celery_stack.logs())


@pytest.mark.requires_redis
def test_submissions_and_a_reception_day_succeed_with_redis_down_and_follow_up_runs_once(
        private_redis, private_celery_stack, settings):
    # As in production with REDIS_URL: the cache is Redis too, so any cache use on these paths would fail.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": private_redis.url.replace("/0", "/1")}}
    team = make_team(prefix="outage")
    client = Client()
    private_redis.stop()  # the broker is down from here on

    url = reverse("workstations:public", args=[team.ws.public_code])
    started = time.monotonic()
    for i in range(100):
        r = client.post(url, {"category": "traffic", "issue": f"道路破损，雨天积水严重（{i}号）",
                              "idempotency_key": f"outage-{i:04d}"}, REMOTE_ADDR=f"10.1.{i // 250}.{i % 250}")
        assert r.status_code == 302, r.status_code
    member = Client()
    member.force_login(team.resident_user)
    r = member.post(reverse("workstations:log", args=[team.ws.pk]), {
        "day": "", "members": [str(team.resident.pk), str(team.convenor.pk)], "notes": "", "log_key": "outage-day",
        "v-TOTAL_FORMS": "1", "v-INITIAL_FORMS": "0", "v-MIN_NUM_FORMS": "0", "v-MAX_NUM_FORMS": "50",
        "v-0-issue": "下水道堵塞", "v-0-category": "municipal", "v-0-outcome": "answered"})
    assert r.status_code == 302
    elapsed = time.monotonic() - started
    print(f"101 writes with the broker down: {elapsed:.1f}s")
    # One broker timeout per write would take 101 x socket_connect_timeout (>= 101 s).
    assert elapsed < 40, f"101 writes took {elapsed:.1f}s with the broker down"
    assert Visit.objects.filter(source=Visit.Source.QR).count() == 100
    assert ReceptionDay.objects.get(workstation=team.ws).status == ReceptionDay.Status.HELD
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert pending.filter(task_name="workstations.notify_new_visit").count() == 100
    assert pending.filter(task_name="workstations.credit_duty_points").count() == 1
    assert not Notification.objects.exists() and not PointEntry.objects.exists()

    # Redis is back: the beat relays what the outage held back and the worker runs it.
    private_redis.start()
    private_celery_stack.start_worker()
    private_celery_stack.start_beat()
    stage = "workstations.visit.new"
    wait_for(lambda: Notification.objects.filter(stage=stage).count() >= 100
             and PointEntry.objects.filter(rule__code="reception_day.duty").count() >= 2, timeout=180,
             message="the follow-up work to run\n" + private_celery_stack.logs())
    wait_for(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True, task_name__startswith="workstations.").exists(),
             timeout=60, message="the outbox to drain")
    # Exactly once: one notification per submission for the convenor, points once per member.
    assert Notification.objects.filter(stage=stage, recipient=team.convenor_user).count() == 100
    assert Notification.objects.filter(stage=stage).values("object_id").distinct().count() == 100
    assert sorted(PointEntry.objects.filter(rule__code="reception_day.duty").values_list("member_id", flat=True)) == \
        sorted([team.resident.pk, team.convenor.pk])
    # A redelivered task (at-least-once) changes nothing.
    from workstations.tasks import credit_duty_points, notify_new_visit

    day = ReceptionDay.objects.get(workstation=team.ws)
    assert credit_duty_points(day.pk) == 0
    assert notify_new_visit(Visit.objects.filter(source=Visit.Source.QR).first().pk) == 0
    assert Notification.objects.filter(stage=stage).count() == 100
