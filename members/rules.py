"""Who may change the committee directory (members, their assignments): the one place the app's
permission rule lives. Services call ``require_manage`` before they write, so the admin, the API and
imports refuse alike with :class:`core.errors.Forbidden` (403, Chinese message). ``by=None`` is the
system itself (demo data, management commands), never a request."""

from __future__ import annotations

from core.errors import Forbidden
from core.scoping import user_scope


def can_manage(user, committee_id: int | None) -> bool:
    """Staff of the committee's tree (and superusers) keep its roster; leaders only read."""
    s = user_scope(user)
    if s.is_superuser:
        return True
    return s.can_manage and committee_id is not None and committee_id in s.committee_ids


def require_manage(user, committee_id: int | None, action: str) -> None:
    if user is None:
        return
    if not can_manage(user, committee_id):
        raise Forbidden(f"只有本政协组织的机关工作人员可以{action}。")
