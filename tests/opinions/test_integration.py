"""With a real Celery worker and beat: an overdue report is escalated once, however many sweeps run."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Notification
from opinions.models import OpinionReport
from tests.conftest import wait_for
from tests.factories.opinions import make_world, report_at

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_overdue_report_produces_one_escalation_not_one_per_sweep(celery_stack):
    w = make_world()
    report = report_at(w, "forwarded_unit", title="河面红浮萍泛滥，影响生态环境")
    OpinionReport.objects.filter(pk=report.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    celery_stack.start_worker()
    celery_stack.start_beat()

    def escalations():
        return Notification.objects.filter(object_id=report.pk, stage__startswith="opinion.feedback.overdue")

    wait_for(lambda: escalations().count() >= 2, timeout=90,
             message="the sweep to escalate to the unit and the leader\n" + celery_stack.logs())
    # Let beat run several more sweeps (each logs its result).
    def sweeps_run() -> int:
        log = celery_stack.workdir / "worker.log"
        return log.read_text(errors="replace").count("sweep opinions.deadlines:") if log.exists() else 0

    first = sweeps_run()
    wait_for(lambda: sweeps_run() >= first + 3, timeout=180,
             message="five sweeps\n" + celery_stack.logs())
    rows = list(escalations().values_list("recipient_id", "stage"))
    assert sorted(rows) == sorted([(w.unit_user.pk, "opinion.feedback.overdue.unit"),
                                   (w.leader.pk, "opinion.feedback.overdue")])
    # The e-mail channel delivered them through the outbox, once.
    wait_for(lambda: not escalations().filter(emailed_at__isnull=True).exists(), timeout=60,
             message="e-mail delivery\n" + celery_stack.logs())
