"""After a write to a table a figure is computed from, refresh that committee's summary rows.

The receivers do no work inside the writer's transaction: they register an on-commit callback that
enqueues ``dashboards.refresh_stats`` through the outbox, keyed per committee and 30-second window
(so a burst of writes refreshes once). The frequent sweep catches anything else.
"""

from __future__ import annotations

import time
from functools import partial

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _sources() -> dict:
    from .metrics import REGISTRY

    out: dict = {}
    for m in REGISTRY.values():
        out.setdefault(m.model, m.committee)
    return out


def connect() -> None:
    for label, path in _sources().items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        receiver = partial(_changed, path=path)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"dashboards-save-{label}")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"dashboards-delete-{label}")


def _committee_of(instance, path: str) -> int | None:
    """Follow ``path`` through already-loaded related objects only (no query in the transaction)."""
    obj = instance
    parts = path.split("__")
    for part in parts[:-1]:
        field = obj._meta.get_field(part)
        if not field.is_cached(obj):
            return None
        obj = getattr(obj, part)
        if obj is None:
            return None
    return getattr(obj, parts[-1], None)


def _changed(sender, instance, path: str, raw: bool = False, **kwargs) -> None:
    if raw or not getattr(settings, "DASHBOARD_REFRESH_ON_WRITE", True):
        return
    committee_id = _committee_of(instance, path)
    transaction.on_commit(partial(_schedule, sender, instance.pk, path, committee_id))


def _schedule(model, pk, path: str, committee_id: int | None) -> None:
    from core.outbox import outbox_enqueue

    if committee_id is None and pk is not None:
        committee_id = model._default_manager.filter(pk=pk).values_list(path, flat=True).first()
    if committee_id is None:
        return
    outbox_enqueue("dashboards.refresh_stats", [committee_id], False,
                   key=f"dashboards.refresh:{committee_id}:{int(time.time()) // 30}")
