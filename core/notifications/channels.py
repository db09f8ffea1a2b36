"""Delivery channels, chosen by ``settings.NOTIFICATION_CHANNELS`` (dotted paths), as Django picks
session backends. A channel delivers notifications it has not delivered yet and marks them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection, EmailMessage
from django.utils import timezone

from core.models import Notification

log = logging.getLogger(__name__)


class BaseChannel:
    name = "base"

    def deliver_pending(self) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class InAppChannel(BaseChannel):
    """The stored row is the in-app notification; the header shows the unread count."""

    name = "inapp"

    def deliver_pending(self) -> int:
        return 0


class EmailChannel(BaseChannel):
    name = "email"
    batch = 200

    def deliver_pending(self) -> int:
        pending = list(
            Notification.objects.filter(emailed_at__isnull=True, recipient__email__gt="")
            .select_related("recipient").order_by("pk")[: self.batch]
        )
        if not pending:
            return 0
        # Claim first so a concurrent worker does not send the same mails.
        claimed_ids = [n.pk for n in pending]
        Notification.objects.filter(pk__in=claimed_ids, emailed_at__isnull=True).update(emailed_at=timezone.now())
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        messages = [
            EmailMessage(
                subject=f"【政协委员履职服务平台】{n.title}",
                body=f"{n.body}\n\n{base}{n.url}" if n.url else n.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[n.recipient.email],
            )
            for n in pending
        ]
        try:
            with get_connection() as conn:
                conn.send_messages(messages)
        except Exception:
            Notification.objects.filter(pk__in=claimed_ids).update(emailed_at=None)
            log.exception("sending notification e-mail failed; will retry")
            raise
        return len(messages)
