"""Flood limits for public forms: one parser for rates like "10/10m", one cache counter, one
refusal (:class:`RateLimited`, HTTP 429) and one message builder. Clients are identified only by
``core.clientid.client_hash`` (no app hashes addresses of its own).

The cache counter fails open: when the cache (Redis) is down a public comment is let through rather
than answered with a 500 — comments are held for moderation anyway. The QR intake, which creates
work items, counts in the database instead (``workstations.services.intake_rate_check``).
"""

from __future__ import annotations

import hashlib
import logging
import re

from .errors import DomainError

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


class RateLimited(DomainError):
    """A public write refused because the client submitted too often (pages and API answer 429)."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


def _window_label(window: int) -> str:
    if window % 86400 == 0:
        return f"{window // 86400}天"
    if window % 3600 == 0:
        return f"{window // 3600}小时"
    return f"{max(1, window // 60)}分钟"


def flood_message(limit: int, window: int, *, what: str = "次", extra: str = "") -> str:
    """The one Chinese refusal for a flood: "提交过于频繁：同一网络10分钟内最多提交3条意见，请稍后再试。"."""
    return f"提交过于频繁：同一网络{_window_label(window)}内最多提交{limit}{what}，请稍后再试。{extra}"


def cache_rate_check(scope: str, client: str, rate: str, *, what: str = "次") -> None:
    """Count one public write of ``client`` (``core.clientid.client_hash(request, scope)``) under
    ``scope`` (cache counter, fails open); raise :class:`RateLimited` once ``rate`` is exceeded."""
    if cache_rate_exceeded(scope, client, rate):
        limit, window = parse_rate(rate)
        raise RateLimited(flood_message(limit, window, what=what), retry_after=window)
