"""Transactional outbox: follow-up work is a row written with the change that causes it.

``outbox_enqueue`` must be called inside the writing transaction. After commit the relay tries to
publish at once; if the broker is down it gives up immediately (and stops trying for a while, so
requests never wait on a dead broker), and the beat-driven ``core.relay_outbox`` publishes what is
left once the broker is back. Without a broker (eager mode) the relay runs the task in-process.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)

# Per-process circuit breaker: after a failed publish, requests skip publishing for this long.
BROKER_RETRY_AFTER = 20.0
_broker_down_until = 0.0


def outbox_enqueue(task_name: str, *args, key: str | None = None, **kwargs) -> OutboxMessage:
    msg, _ = OutboxMessage.objects.get_or_create(
        key=key or f"{task_name}:{uuid.uuid4().hex}",
        defaults={"task_name": task_name, "args": list(args), "kwargs": kwargs},
    )
    transaction.on_commit(lambda: outbox_relay(ids=[msg.pk], from_request=True))
    return msg


def _celery_app():
    from config.celery import app
    from django.utils.module_loading import autodiscover_modules

    # Register every app's tasks (eager mode looks them up in app.tasks). Not
    # app.loader.import_default_modules(): inside a worker that re-runs django.setup() and the system
    # checks on every relay, and the re-configured logging swallows the worker's own log lines.
    autodiscover_modules("tasks")
    return app


def outbox_relay(*, ids: list[int] | None = None, limit: int = 500, from_request: bool = False) -> int:
    """Publish pending messages; returns how many went out. Safe to run concurrently: each row is
    claimed by setting ``sent_at`` before publishing, and put back if the publish fails."""
    global _broker_down_until
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if from_request and not eager and time.monotonic() < _broker_down_until:
        return 0
    app = _celery_app()
    qs = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    sent = 0
    for msg in list(qs[:limit]):
        claimed = OutboxMessage.objects.filter(pk=msg.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=msg.attempts + 1
        )
        if not claimed:
            continue
        try:
            if eager:
                app.tasks[msg.task_name].apply(args=msg.args, kwargs=msg.kwargs, throw=True)
            else:
                app.send_task(msg.task_name, args=msg.args, kwargs=msg.kwargs, retry=False)
        except Exception as exc:  # broker down, or (eager) the task failed: keep it for the next relay
            OutboxMessage.objects.filter(pk=msg.pk).update(sent_at=None, last_error=repr(exc)[:2000])
            if not eager:
                _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
                log.warning("broker unavailable, outbox relay deferred: %s", exc)
                break
            log.exception("outbox task %s failed", msg.task_name)
            continue
        sent += 1
    return sent


def outbox_reset_breaker() -> None:
    global _broker_down_until
    _broker_down_until = 0.0
