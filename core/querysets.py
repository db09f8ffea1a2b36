"""Scoped querysets for the shared tables (SPEC section 5): notifications and timeline rows belong to
no committee of their own, so they are scoped through their recipient and their target item."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .scoping import Scope, user_scope


def users_in_scope_q(scope: Scope, path: str = "") -> Q:
    """Q over users (``path`` leads to a user, "" for User itself) who work in the scope's committee
    tree: staff, leaders and units by their profile, members by their member record."""
    if scope.is_superuser:
        return Q()
    if not (scope.is_office and scope.committee_ids):
        return Q(pk__in=[])
    from members.models import Member, Profile

    ids = sorted(scope.committee_ids)
    pk = f"{path}_id" if path else "pk"
    profiles = Profile.objects.filter(Q(committee_id__in=ids) | Q(handling_unit__committee_id__in=ids))
    members = Member.objects.filter(committee_id__in=ids, user__isnull=False)
    return Q(**{f"{pk}__in": profiles.values("user_id")}) | Q(**{f"{pk}__in": members.values("user_id")})


class NotificationQuerySet(models.QuerySet):
    """A user reads their own notifications; the office reads those of the people in its tree."""

    def visible_to(self, user):
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if not scope.authenticated:
            return self.none()
        return self.filter(Q(recipient_id=user.pk) | users_in_scope_q(scope, "recipient"))

    def office_scope(self, user):
        return self.filter(users_in_scope_q(user_scope(user), "recipient"))


class StateChangeQuerySet(models.QuerySet):
    """Timeline rows are seen with their item: for each item type on the timeline, the rows whose item
    is in the user's scope (``visible_to``) or the office's (``office_scope``) of that type."""

    def _through_targets(self, user, method: str):
        from django.contrib.contenttypes.models import ContentType

        if user_scope(user).is_superuser:
            return self
        q = Q(pk__in=[])
        for ct_id in self.order_by().values_list("content_type_id", flat=True).distinct():
            model = ContentType.objects.get_for_id(ct_id).model_class()
            targets = model._default_manager.all() if model is not None else None
            if targets is not None and hasattr(targets, method):
                q |= Q(content_type_id=ct_id, object_id__in=getattr(targets, method)(user).values("pk"))
        return self.filter(q)

    def visible_to(self, user):
        return self._through_targets(user, "visible_to")

    def office_scope(self, user):
        return self._through_targets(user, "office_scope")
