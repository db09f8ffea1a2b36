"""Timeline entries (StateChange) for any item: written by workflows, read by item pages."""

from django.contrib.contenttypes.models import ContentType

from .models import StateChange


def timeline_record(obj, code: str, *, by=None, from_state: str = "", to_state: str = "", note: str = "",
                    data: dict | None = None) -> StateChange:
    if by is not None and not getattr(by, "is_authenticated", False):
        by = None
    return StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        code=code,
        from_state=from_state or "",
        to_state=to_state or "",
        actor=by,
        note=note or "",
        data=data or {},
    )


def timeline_for(obj):
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=obj.pk
    ).select_related("actor")
