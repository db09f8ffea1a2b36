"""The single entry point for status changes of every workflow (proposals, reports, consultations).

Each app's ``workflow.py`` declares a literal table ``{from: {to: guard}}`` and a :class:`Workflow`;
pages, admin and API all call ``workflow.transition(obj, to, by=..., note=...)``. Only this writes
the status field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import transaction

from .errors import DomainError
from .timeline import timeline_record

Guard = Callable[..., "str | None"]  # returns a Chinese refusal message, or None to allow


def always(obj, **kwargs) -> None:
    return None


@dataclass
class Workflow:
    model: type
    transitions: dict[str, dict[str, Guard]]
    code_prefix: str  # e.g. "opinions.report"
    field: str = "status"
    # Called inside the transaction after the status is set: (obj, from_state, to_state, by, kwargs)
    on_enter: dict[str, Callable] = dc_field(default_factory=dict)

    def allowed(self, obj) -> list[str]:
        return list(self.transitions.get(getattr(obj, self.field), {}))

    def can(self, obj, to: str, **kwargs) -> bool:
        guard = self.transitions.get(getattr(obj, self.field), {}).get(to)
        return guard is not None and guard(obj, **kwargs) is None

    def label(self, state: str) -> str:
        choices = dict(self.model._meta.get_field(self.field).choices or [])
        return str(choices.get(state, state))

    def check_move(self, obj, to: str, *, from_states=None) -> None:
        """Refuse a move the table does not allow from ``obj``'s state (or, with ``from_states``, a
        move not coming from one of them), with the engine's one message. For services that write
        the records around a move before making it."""
        current = getattr(obj, self.field)
        if to not in self.transitions.get(current, {}) or (from_states is not None and current not in from_states):
            raise DomainError(
                f"不允许从“{self.label(current)}”变更为“{self.label(to)}”。", code="invalid_transition"
            )

    def transition(self, obj, to: str, *, by=None, note: str = "", data: dict | None = None, **kwargs):
        with transaction.atomic():
            locked = type(obj).objects.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.field)
            self.check_move(locked, to)
            options = self.transitions[current]
            refusal = options[to](locked, by=by, **kwargs)
            if refusal:
                raise DomainError(refusal, code="guard_failed")
            setattr(locked, self.field, to)
            if hasattr(locked, "stamp"):
                locked.stamp(by)
            hook = self.on_enter.get(to)
            if hook:
                hook(locked, current, to, by, kwargs)
            locked.save()
            timeline_record(locked, f"{self.code_prefix}.{to}", by=by, from_state=current, to_state=to,
                            note=note, data=data)
        # Keep the caller's instance in step with the row, related objects included: a cached
        # relation whose key changed (report.unit after forwarding) takes the row's value or is dropped.
        obj.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
        for f in obj._meta.concrete_fields:
            if not (f.is_relation and f.is_cached(obj)):
                continue
            if getattr(f.get_cached_value(obj), "pk", None) != getattr(obj, f.attname):
                if f.is_cached(locked):
                    f.set_cached_value(obj, f.get_cached_value(locked))
                else:
                    f.delete_cached_value(obj)
        return locked
