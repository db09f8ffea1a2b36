"""What the public tracking page (/t/<code>/) shows about a visit's progress.

Other apps add steps without this app knowing them: in their ``AppConfig.ready()`` they call

    from workstations.progress import register_progress_provider
    register_progress_provider(my_provider)   # my_provider(visit) -> [(datetime, "中文说明"), ...]

A provider must return public-safe text only (no names, no phone numbers). Without providers the page
shows the visit's own record: received, and what was done (outcome changes from the timeline).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

log = logging.getLogger(__name__)

Provider = Callable[[object], list[tuple[dt.datetime, str]]]
_PROVIDERS: list[Provider] = []


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    text: str


def register_progress_provider(provider: Provider) -> Provider:
    """Add a provider once (registering the same function again is a no-op); usable as a decorator."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister_progress_provider(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def providers() -> list[Provider]:
    return list(_PROVIDERS)


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12, 0)))


def own_steps(visit) -> list[Step]:
    """The visit's own record: received, then each outcome change (StateChange rows)."""
    from core.timeline import timeline_for

    from .models import Visit

    where = "扫码留言" if visit.source == Visit.Source.QR else "委员接待日"
    steps = [Step(_as_datetime(visit.created_at), f"{visit.workstation.name}已收到您的诉求（{where}）。")]
    changes = list(timeline_for(visit).filter(code__startswith="workstations.visit."))
    labels = dict(Visit.Outcome.choices)
    for c in changes:
        text = f"办理进展：{labels.get(c.to_state, c.to_state)}"
        steps.append(Step(_as_datetime(c.at), text + "。"))
    if not changes and visit.outcome != Visit.Outcome.PENDING:
        # Recorded with an outcome at the reception day itself (no later change).
        text = f"办理进展：{visit.get_outcome_display()}"
        if visit.outcome == Visit.Outcome.REFERRED and visit.handling_unit_id:
            text += f"（{visit.handling_unit.name}）"
        steps.append(Step(_as_datetime(visit.created_at), text + "。"))
    elif changes and visit.outcome == Visit.Outcome.REFERRED and visit.handling_unit_id:
        steps[-1] = Step(steps[-1].at, f"已转交{visit.handling_unit.name}办理。")
    return steps


def progress_steps(visit) -> list[Step]:
    """Own steps plus every registered provider's, in time order. A failing provider is logged and
    skipped: the resident's page must always open."""
    steps = own_steps(visit)
    for provider in providers():
        try:
            for at, text in provider(visit) or []:
                steps.append(Step(_as_datetime(at), str(text)))
        except Exception:  # noqa: BLE001 - another app's bug must not break the public page
            log.exception("progress provider %r failed for visit %s", provider, visit.pk)
    return sorted(steps, key=lambda s: s.at)
