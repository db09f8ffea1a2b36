"""Core Celery tasks. Settings make every task ``acks_late`` and ``reject_on_worker_lost``; tasks
take ids and are idempotent, and database errors are retried with backoff."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import DatabaseError, IntegrityError, transaction

from .models import TaskRun

portal_task = partial(
    shared_task,
    autoretry_for=(DatabaseError,),
    dont_autoretry_for=(IntegrityError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_kwargs={"max_retries": 8},
    acks_late=True,
    reject_on_worker_lost=True,
)


def run_once(key: str, fn, *args, **kwargs) -> bool:
    """Run ``fn`` unless work with ``key`` already ran; the mark and the work commit together."""
    with transaction.atomic():
        _, created = TaskRun.objects.get_or_create(key=key)
        if not created:
            return False
        fn(*args, **kwargs)
    return True


@portal_task(name="core.relay_outbox")
def relay_outbox() -> int:
    from .outbox import outbox_relay

    return outbox_relay()


@portal_task(name="core.run_sweeps")
def run_sweeps_task(group: str | None = None) -> dict:
    from .sweeps import run_sweeps

    return {k: str(v) for k, v in run_sweeps(group).items()}


@portal_task(name="core.deliver_notifications")
def deliver_notifications() -> int:
    from .notifications import deliver_pending

    return deliver_pending()
