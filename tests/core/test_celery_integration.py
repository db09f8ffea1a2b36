"""A real Celery worker and beat relay the outbox and deliver notifications."""

import pytest

from core.models import Notification, OutboxMessage
from core.notifications import notify
from tests.conftest import wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_and_beat_deliver_outbox_work(celery_stack):
    user = make_user("w1", email="w1@example.com")
    celery_stack.start_worker()
    celery_stack.start_beat()
    notify([user.pk], stage="test.worker", title="worker", item=user)
    wait_for(lambda: Notification.objects.filter(recipient=user, emailed_at__isnull=False).exists(), timeout=60,
             message="the worker to e-mail the notification\n" + celery_stack.logs())
    wait_for(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), timeout=30,
             message="the outbox to drain")
