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


class FailureLimiter:
    """Counts a client's failures (wrong passwords, tracking codes that do not exist) and blocks
    the client for the rest of the window once ``limit`` failures are reached. Successes are never
    counted, so people behind one office or village NAT address do not lock each other out. The
    client is ``core.clientid.client_hash(request, scope)``; a cache outage blocks nobody."""

    def __init__(self, scope: str, rate_setting: str, *, what: str, refusal: str):
        self.scope, self.rate_setting, self.what, self.refusal = scope, rate_setting, what, refusal

    def _keys(self, request) -> tuple[str, str]:
        from .clientid import client_hash

        client = client_hash(request, self.scope)
        return f"rate:{self.scope}:{client}", f"rate-block:{self.scope}:{client}"

    @property
    def rate(self) -> tuple[int, int]:
        from django.conf import settings

        return parse_rate(getattr(settings, self.rate_setting))

    def check(self, request) -> None:
        """Raise :class:`RateLimited` (429) while the client is blocked."""
        from django.core.cache import cache

        try:
            blocked = cache.get(self._keys(request)[1])
        except Exception:  # noqa: BLE001
            return
        if blocked:
            limit, window = self.rate
            message = f"{self.refusal}：同一网络{_window_label(window)}内最多允许{limit}{self.what}，请稍后再试。"
            raise RateLimited(message, retry_after=window)

    def failed(self, request) -> None:
        from django.core.cache import cache

        from .clientid import client_ip

        limit, window = self.rate
        count_key, block_key = self._keys(request)
        try:
            cache.add(count_key, 0, timeout=window)
            if cache.incr(count_key) >= limit:  # the limit-th failure blocks the next attempt
                cache.set(block_key, 1, timeout=window)
                log.warning("%s: %s blocked after %d failures", self.scope, client_ip(request), limit)
        except Exception as exc:  # noqa: BLE001
            log.warning("%s failure not counted, cache unavailable: %s", self.scope, exc)
