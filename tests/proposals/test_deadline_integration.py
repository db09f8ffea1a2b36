"""A real Celery worker and beat: reminders before the answer deadline, escalation after, each once."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Notification
from proposals.models import UnitAssignment
from tests.conftest import wait_for
from tests.factories import proposals as f

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_sends_answer_reminder_and_escalation_once_each(celery_stack):
    w = f.proposal_world()
    soon = f.assigned(w, title="七天后到期的提案")
    late = f.assigned(w, title="已逾期的提案")
    today = timezone.localdate()
    # Arrange the deadlines around the worker's real today: one due in 7 days, one due 3 days ago.
    UnitAssignment.objects.filter(proposal=soon).update(due_at=timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=7), dt.time(23, 59, 59))))
    UnitAssignment.objects.filter(proposal=late).update(due_at=timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=3), dt.time(23, 59, 59))))
    soon_lead = UnitAssignment.objects.get(proposal=soon, role="lead")
    late_lead = UnitAssignment.objects.get(proposal=late, role="lead")

    celery_stack.start_worker()
    celery_stack.start_beat()

    def counts():
        rows = Notification.objects.filter(recipient=w.lead_user)
        return (rows.filter(object_id=soon_lead.pk, stage="proposal.answer.d7").count(),
                rows.filter(object_id=late_lead.pk, stage="proposal.answer.overdue").count(),
                Notification.objects.filter(recipient=w.staff, object_id=late_lead.pk,
                                            stage="proposal.answer.overdue").count())

    wait_for(lambda: counts() == (1, 1, 1), timeout=90,
             message="reminder and escalation from the worker\n" + celery_stack.logs())
    # Beat runs the sweeps every 2 s: let three more runs finish on the worker; nothing may double.
    def sweeps_done() -> int:
        log = (celery_stack.workdir / "worker.log").read_text(errors="replace")
        return sum(1 for line in log.splitlines() if "core.run_sweeps" in line and "succeeded" in line)

    runs_before = sweeps_done()
    wait_for(lambda: sweeps_done() >= runs_before + 3, timeout=60,
             message="three more sweep runs\n" + celery_stack.logs())
    assert counts() == (1, 1, 1)
    assert not Notification.objects.filter(recipient=w.co_user, stage__startswith="proposal.answer").exists()
    wait_for(lambda: Notification.objects.filter(recipient=w.lead_user, emailed_at__isnull=False).count() >= 2,
             timeout=60, message="the reminders to be e-mailed\n" + celery_stack.logs())
