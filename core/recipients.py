"""Who holds a role where: the user ids behind a committee's office (staff or leaders) and behind a
handling unit. Each app's "who is reminded of this item" functions build on these two, so services
and sweeps name the same people; nothing else queries logins for notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from .scoping import Role


def committee_user_ids(committee_ids: Iterable[int], role: str = Role.STAFF) -> dict[int, set[int]]:
    """committee id → active users with ``role`` (staff or leaders) in that committee, one query."""
    ids = sorted({c for c in committee_ids if c})
    if not ids:
        return {}
    rows = (get_user_model().objects.filter(is_active=True, groups__name=role,
                                            portal_profile__committee_id__in=ids)
            .values_list("portal_profile__committee_id", "pk"))
    out: dict[int, set[int]] = {}
    for cid, uid in rows:
        out.setdefault(cid, set()).add(uid)
    return out


def unit_user_ids(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """handling unit id → its active logins, one query."""
    ids = sorted({u for u in unit_ids if u})
    if not ids:
        return {}
    rows = (get_user_model().objects.filter(is_active=True, portal_profile__handling_unit_id__in=ids)
            .values_list("portal_profile__handling_unit_id", "pk"))
    out: dict[int, set[int]] = {}
    for unit_id, uid in rows:
        out.setdefault(unit_id, set()).add(uid)
    return out
