from django import template

from core.utils import mask_phone

register = template.Library()


@register.filter
def masked(phone: str) -> str:
    """{{ visit.phone|masked }} → 138****5678"""
    return mask_phone(phone)


@register.inclusion_tag("includes/timeline.html")
def timeline(entries, labels=None):
    """{% timeline entries %} renders StateChange rows; ``labels`` maps state codes to Chinese."""
    labels = labels or {}
    return {"entries": [
        {"at": e.at, "actor": e.actor, "from": labels.get(e.from_state, e.from_state),
         "to": labels.get(e.to_state, e.to_state), "note": e.note, "code": e.code}
        for e in entries
    ]}
