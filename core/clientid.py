"""The one way to identify a client for rate limits and logs.

``REMOTE_ADDR`` is the peer that opened the connection. Behind a reverse proxy that is the proxy, and
the resident's address is in ``X-Forwarded-For``; but anyone can send that header, so it is read only
when the peer is one of ``settings.TRUSTED_PROXIES`` (addresses or networks), and then from the right:
the first hop that is not itself a trusted proxy is the client. Without trusted proxies the header is
ignored, so rotating it gets a flooder nowhere.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def _parse(addr: str):
    try:
        return ipaddress.ip_address((addr or "").strip())
    except ValueError:
        return None


def _trusted(ip, nets) -> bool:
    return ip is not None and any(ip in n for n in nets)


def client_ip(request) -> str:
    """The client's address as far as it can be trusted; ``"unknown"`` when there is none."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    nets = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if nets and _trusted(remote, nets):
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):
            ip = _parse(hop)
            if ip is None:
                break  # a forged or garbled entry: trust nothing left of it
            if not _trusted(ip, nets):
                return str(ip)
    return str(remote) if remote is not None else "unknown"


def client_hash(request, purpose: str) -> str:
    """A salted hash of :func:`client_ip`: enough to count submissions, nothing to identify anyone."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{purpose}:{client_ip(request)}".encode()).hexdigest()[:40]
