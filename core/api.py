"""Shared API pieces: the error format, scoped viewset base, and a permission for office writes."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, Forbidden
from .scoping import user_scope


class ErrorCode:
    """Machine-readable codes clients can branch on (Saleor-style error enum)."""

    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    GUARD_FAILED = "guard_failed"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        code = status.HTTP_403_FORBIDDEN if isinstance(exc, Forbidden) else status.HTTP_400_BAD_REQUEST
        payload = {"detail": exc.message, "code": exc.code}
        if exc.field:
            payload = {exc.field: [exc.message], "code": exc.code, "detail": exc.message}
        return Response(payload, status=code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class ScopedQuerysetMixin:
    """Viewsets list and look up only what ``Model.objects.visible_to(user)`` returns, so objects
    outside the user's scope answer 404. Subclasses set ``queryset`` and may override
    ``get_base_queryset`` to add select/prefetch (usually by calling a selector)."""

    def get_base_queryset(self):
        return self.queryset

    def get_queryset(self):
        return self.get_base_queryset().visible_to(self.request.user)


class OfficeWritePermission(permissions.BasePermission):
    """Reads for any authenticated user (the queryset scopes them); writes for committee staff."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return user_scope(request.user).can_manage
