"""Registry of periodic sweeps. Each app registers set-based sweeps in its ``sweeps.py``; the beat
task ``core.run_sweeps`` and ``manage.py runperiodic`` run them. A sweep must be idempotent."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

log = logging.getLogger(__name__)

_SWEEPS: dict[str, tuple[str, Callable[[], object]]] = {}


def sweep(name: str, group: str = "frequent"):
    """Register ``fn`` as a sweep. ``group``: "frequent" (every few minutes) or "daily"."""

    def decorator(fn):
        _SWEEPS[name] = (group, fn)
        return fn

    return decorator


def registered() -> dict[str, tuple[str, Callable]]:
    autodiscover_modules("sweeps")
    return dict(_SWEEPS)


def run_sweeps(group: str | None = None) -> dict[str, object]:
    results = {}
    for name, (g, fn) in sorted(registered().items()):
        if group and g != group:
            continue
        results[name] = fn()
        log.info("sweep %s: %s", name, results[name])
    return results
