"""Reminders: stored in-app notifications plus pluggable delivery channels.

``notify`` is set-based: it writes one row per recipient with ``bulk_create(ignore_conflicts=True)``,
and the unique constraint (recipient, item, stage, day) makes a repeated sweep a no-op. Delivery to
other channels (e-mail, later SMS or WeChat Work) happens afterwards in ``deliver_pending``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import Notification


def get_channels():
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]


def notify(recipient_ids: Iterable[int], *, stage: str, title: str, item=None, body: str = "", url: str = "",
           day: dt.date | None = None, deliver: bool = True) -> int:
    """Notify each user once per (item, stage, day). Returns the number of new notifications."""
    rows = notification_rows(recipient_ids, stage=stage, title=title, item=item, body=body, url=url, day=day)
    return notify_rows(rows, deliver=deliver)


def notification_rows(recipient_ids: Iterable[int], *, stage: str, title: str, item=None, body: str = "",
                      url: str = "", day: dt.date | None = None) -> list[Notification]:
    ct = ContentType.objects.get_for_model(item) if item is not None else None
    day = day or timezone.localdate()
    return [
        Notification(recipient_id=uid, content_type=ct, object_id=item.pk if item is not None else None,
                     stage=stage, day=day, title=title[:200], body=body, url=url)
        for uid in {u for u in recipient_ids if u}
    ]


def notify_rows(rows: list[Notification], *, deliver: bool = True) -> int:
    """Insert prepared rows (from many items at once, as a sweep builds them); duplicates are
    dropped by the unique constraint."""
    if not rows:
        return 0
    # One timestamp marks this batch, so counting what was really inserted (conflicts are dropped
    # silently) reads only this batch's recipients, not the whole, ever-growing table.
    stamp = timezone.now()
    for row in rows:
        row.created_at = stamp
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    created = Notification.objects.filter(
        recipient_id__in={row.recipient_id for row in rows}, created_at=stamp
    ).count()
    if created and deliver:
        from core.outbox import outbox_enqueue

        outbox_enqueue("core.deliver_notifications", key=f"deliver:{timezone.now():%Y%m%d%H%M%S%f}")
    return created


def deliver_pending() -> int:
    total = 0
    for channel in get_channels():
        total += channel.deliver_pending()
    return total


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
