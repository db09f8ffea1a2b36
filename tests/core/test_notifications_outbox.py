import datetime as dt

import pytest
from django.core import mail

from core.models import Notification, OutboxMessage
from core.notifications import notify, unread_count
from core.outbox import outbox_enqueue, outbox_relay
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_notify_is_idempotent_per_item_stage_and_day(django_capture_on_commit_callbacks):
    user = make_user("u1", email="u1@example.com")
    other = make_user("u2")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([user.pk, other.pk], stage="test.due_soon", title="请及时处理", item=user) == 2
        assert notify([user.pk, other.pk], stage="test.due_soon", title="请及时处理", item=user) == 0
    assert Notification.objects.count() == 2
    assert unread_count(user) == 1
    # A new day is a new reminder.
    notify([user.pk], stage="test.due_soon", title="请及时处理", item=user, day=dt.date(2030, 1, 1))
    assert unread_count(user) == 2


def test_email_channel_sends_each_notification_once(django_capture_on_commit_callbacks):
    user = make_user("mailme", email="mailme@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify([user.pk], stage="test.mail", title="提醒一", item=user)
    assert [m.to for m in mail.outbox] == [["mailme@example.com"]]
    outbox_relay()
    from core.notifications import deliver_pending

    deliver_pending()
    assert len(mail.outbox) == 1


def test_outbox_keeps_failed_work_for_the_next_relay(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        msg = outbox_enqueue("no.such.task", key="k1")
    msg.refresh_from_db()
    assert msg.sent_at is None and "no.such.task" in msg.last_error
    # Enqueueing the same key again is a no-op.
    outbox_enqueue("no.such.task", key="k1")
    assert OutboxMessage.objects.filter(key="k1").count() == 1
