"""Periodic housekeeping of the committee directory."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.sweeps import sweep

from .models import RosterImport

ROSTER_UPLOAD_KEEP_DAYS = 7


@sweep("members.purge_roster_uploads", group="daily")
def purge_roster_uploads() -> int:
    """Personal data in an upload that was never imported is dropped after a week (one UPDATE)."""
    cutoff = timezone.now() - dt.timedelta(days=ROSTER_UPLOAD_KEEP_DAYS)
    return (RosterImport.objects.exclude(status=RosterImport.Status.IMPORTED).exclude(rows=[])
            .filter(created_at__lt=cutoff).update(rows=[], status=RosterImport.Status.INVALID))
