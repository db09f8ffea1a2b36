"""Shared API pieces: the error format, scoped viewset base, and a permission for office writes."""

from __future__ import annotations

import django_filters
import django_filters.rest_framework
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from rest_framework import parsers, permissions, serializers, status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response

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
    # Imported here: this module provides parser and filter-backend defaults that DRF reads while
    # it defines its view classes, so it must not import rest_framework.views at load time.
    from rest_framework.views import exception_handler as drf_exception_handler

    from .ratelimit import RateLimited

    if isinstance(exc, RateLimited):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                        headers={"Retry-After": str(exc.retry_after)})
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


def parse_id(value) -> int | None:
    """An id from a path, a query parameter or a dict key: ASCII digits that fit a bigint, else None
    (``str.isdigit`` alone accepts "²" and "９", which ``int`` refuses or the database cannot hold)."""
    value = str(value)
    if len(value) <= 19 and value.isascii() and value.isdigit() and int(value) <= INT64_MAX:
        return int(value)
    return None


class IdLookupMixin:
    """Path ids are decimal digits that fit a bigint; anything else answers 404 before any query."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        value = kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if value is not None and parse_id(value) is None:
            raise NotFound()


class ScopedQuerysetMixin(IdLookupMixin):
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


# --- The API contract: bounded input, JSON objects only, documented errors --------------------------
# One place for what every endpoint accepts: serializers built on ``InputSerializer`` /
# ``ModelSerializer``, filtersets on ``FilterSet``, the default JSON parser, the query-string guard
# and the id lookup below. A value outside these bounds is a 400 (or 404 for a path id), never a 500.

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
YEAR_MIN, YEAR_MAX = 1900, 2100
TEXT_MAX_LENGTH = 20000  # free text (model TextFields) has no database limit; requests still do
QUERY_VALUE_MAX_LENGTH = 500
NUL_MESSAGE = "不能包含空字符。"


def has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def _year_validator(value):
    if value is not None and not (YEAR_MIN <= value.year <= YEAR_MAX):
        raise DjangoValidationError(f"年份须在 {YEAR_MIN}–{YEAR_MAX} 之间。", code="year_range")


def _bound_field(field) -> None:
    """Give one serializer field the limits the database and the services can hold."""
    if getattr(field, "read_only", False):
        return
    if isinstance(field, (serializers.ListField, serializers.DictField)):
        _bound_field(field.child)
        return
    if isinstance(field, serializers.IntegerField):
        if field.max_value is None:
            field.max_value = INT64_MAX
            field.validators.append(MaxValueValidator(INT64_MAX, message=f"不能大于 {INT64_MAX}。"))
        if field.min_value is None:
            field.min_value = INT64_MIN
            field.validators.append(MinValueValidator(INT64_MIN, message=f"不能小于 {INT64_MIN}。"))
    elif isinstance(field, (serializers.DateField, serializers.DateTimeField)):
        field.validators.append(_year_validator)
    elif isinstance(field, serializers.CharField):
        # DRF's CharField already refuses NUL bytes (ProhibitNullCharactersValidator); free text
        # without a model limit still gets one.
        if field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH, message=f"不能超过 {TEXT_MAX_LENGTH} 个字符。"))


class BoundedFieldsMixin:
    """Every writable field gets bounds: integers within 64 bits, dates within 1900–2100, text
    with a maximum length (and, as DRF does for every CharField, no NUL bytes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _bound_field(field)


class InputSerializer(BoundedFieldsMixin, serializers.Serializer):
    """Base of the API's input shapes (action bodies)."""


class ModelSerializer(BoundedFieldsMixin, serializers.ModelSerializer):
    """Base of the API's model shapes; model fields bring their own max_length and ranges."""


class ErrorSerializer(serializers.Serializer):
    """An error answer: ``detail`` (Chinese) and ``code``; a field error adds ``{field: [message]}``."""

    detail = serializers.CharField(required=False, help_text="错误说明（中文）")
    code = serializers.CharField(required=False, help_text="invalid、invalid_transition、guard_failed、not_found、"
                                                          "forbidden、rate_limited 等")


class JSONParser(parsers.JSONParser):
    """Request bodies are JSON objects: a list or a bare value where an object is expected is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError("请求体必须是 JSON 对象。")
        return data


class QueryParamsGuard(BaseFilterBackend):
    """First filter backend: refuses NUL bytes and oversized values in any query parameter (name or
    value) with a 400 field error, before any filter, search or ordering reads them."""

    def filter_queryset(self, request, queryset, view):
        check_query_params(request)
        return queryset


def check_query_params(request) -> None:
    errors = {}
    for key, values in request.query_params.lists():
        name = key.replace("\x00", "") or "query"
        if has_nul(key) or any(has_nul(v) for v in values):
            errors[name] = [NUL_MESSAGE]
        elif any(len(v) > QUERY_VALUE_MAX_LENGTH for v in values):
            errors[name] = [f"不能超过 {QUERY_VALUE_MAX_LENGTH} 个字符。"]
    if errors:
        raise ValidationError(errors)


class FilterSet(django_filters.rest_framework.FilterSet):
    """Base of every API filterset (the filter backend also uses it for ``filterset_fields``): numbers
    within 64 bits, years and dates within 1900–2100. Text filters refuse NUL bytes (Django's
    CharField does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.filters.items():
            if isinstance(f, django_filters.NumberFilter):
                is_year = f.lookup_expr == "year" or name == "year" or name.endswith("_year")
                f.extra.setdefault("min_value", YEAR_MIN if is_year else INT64_MIN)
                f.extra.setdefault("max_value", YEAR_MAX if is_year else INT64_MAX)
            elif isinstance(f, (django_filters.DateFilter, django_filters.DateTimeFilter)):
                f.extra["validators"] = [*f.extra.get("validators", []), _year_validator]


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    filterset_base = FilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        assert filterset_class is None or issubclass(filterset_class, FilterSet), (
            f"{view.__class__.__name__}.filterset_class must subclass core.api.FilterSet")
        return filterset_class
