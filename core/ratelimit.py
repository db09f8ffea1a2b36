"""Flood limits for public forms: one parser for rates like "10/10m" and one cache counter.

The cache counter fails open: when the cache (Redis) is down a public comment is let through rather
than answered with a 500 — comments are held for moderation anyway. The QR intake, which creates
work items, counts in the database instead (``workstations.services.intake_rate_check``).
"""

from __future__ import annotations

import hashlib
import logging
import re

log = logging.getLogger(__name__)

_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"10/10m" → (10, 600): at most 10 per 600 seconds."""
    m = _RATE_RE.match(rate or "")
    if not m:
        raise ValueError(f"bad rate {rate!r}; expected like '10/10m'")
    return int(m.group(1)), int(m.group(2) or 1) * _UNIT_SECONDS[m.group(3)]


def cache_rate_exceeded(scope: str, client: str, rate: str) -> bool:
    """Count one hit for ``client`` under ``scope``; True once the rate is exceeded."""
    from django.core.cache import cache

    limit, window = parse_rate(rate)
    key = f"rate:{scope}:" + hashlib.sha256(client.encode()).hexdigest()[:32]
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) > limit
    except Exception as exc:  # noqa: BLE001 - any cache failure means "not limited"
        log.warning("rate limit for %s skipped, cache unavailable: %s", scope, exc)
        return False
