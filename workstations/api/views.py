"""Thin API views: scoped querysets (404 outside scope), selectors for constant query counts,
services for writes. The public intake shares the form's rate limit and idempotency."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from core.api import ErrorCode, ScopedQuerysetMixin
from core.clientid import client_hash

from .. import rules, selectors, services
from ..models import ReceptionDay, Visit, Workstation
from ..progress import progress_steps
from .filters import ReceptionDayFilter, VisitFilter, WorkstationFilter
from .serializers import (
    PublicIntakeSerializer, PublicVisitSerializer, ReceptionDaySerializer, ReceptionLogSerializer, VisitSerializer,
    WorkstationSerializer,
)


class WorkstationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkstationSerializer
    queryset = Workstation.objects.all()
    filterset_class = WorkstationFilter
    search_fields = ["name", "host_name", "address"]
    ordering_fields = ["name", "opened_on", "pk"]

    def get_queryset(self):
        return selectors.workstation_list(user=self.request.user).prefetch_related(
            selectors.active_memberships_prefetch())

    @extend_schema(request=ReceptionLogSerializer, responses={201: ReceptionDaySerializer})
    @action(detail=True, methods=["post"], url_path="log-reception", serializer_class=ReceptionLogSerializer)
    def log_reception(self, request, pk=None):
        """Log a held reception day (members present, visitors) — what the phone form does. Outside
        the user's scope 404; a user who sees the workstation but may not log it (a leader, a unit)
        gets 403 from the service's rule (``workstations.rules``), the same as the page."""
        from members.models import HandlingUnit

        ws = self.get_object()
        rules.require_log_reception(request.user, ws)  # refuse before validating: 403, not 400
        ser = ReceptionLogSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        day = None
        if data["day"]:
            day = get_object_or_404(ReceptionDay, pk=data["day"], workstation=ws)
        units = {u.pk: u for u in HandlingUnit.objects.filter(
            committee_id=ws.committee_id, pk__in=[v["handling_unit"] for v in data["visitors"] if v["handling_unit"]])}
        visitors = []
        for v in data["visitors"]:
            if v["handling_unit"] and v["handling_unit"] not in units:
                return Response({"visitors": ["承办单位不存在或不属于本政协组织。"], "code": ErrorCode.INVALID}, status=400)
            visitors.append(services.VisitorInput(issue=v["issue"], category=v["category"], outcome=v["outcome"],
                                                  name=v["name"], phone=v["phone"],
                                                  handling_unit=units.get(v["handling_unit"])))
        day = services.reception_day_log_held(workstation=ws, by=request.user, day=day, date=data["date"],
                                              member_ids=data["member_ids"], notes=data["notes"], visitors=visitors,
                                              log_key=data["log_key"] or None)
        day = selectors.reception_day_list(user=request.user).get(pk=day.pk)
        return Response(ReceptionDaySerializer(day).data, status=status.HTTP_201_CREATED)


class ReceptionDayViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReceptionDaySerializer
    queryset = ReceptionDay.objects.all()
    filterset_class = ReceptionDayFilter
    ordering_fields = ["date", "pk"]

    def get_queryset(self):
        return selectors.reception_day_list(user=self.request.user)


class VisitViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer
    queryset = Visit.objects.all()
    filterset_class = VisitFilter
    search_fields = ["issue", "tracking_code"]
    ordering_fields = ["received_on", "pk"]

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)


class PublicIntakeThrottle(BaseThrottle):
    """settings.PUBLIC_INTAKE_RATE per client, counted in the database (recent visits from the same
    client hash): it keeps working when the cache or Redis is down, unlike a cache-based throttle."""

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        try:
            services.intake_rate_check(client_hash(request, services.INTAKE_RATE_SCOPE))
        except services.RateLimited as exc:
            self._wait = exc.retry_after
            self._message = exc.message
            return False
        return True

    def wait(self):
        return getattr(self, "_wait", None)


def _public_payload(visit: Visit, request) -> dict:
    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("workstations:track", args=[visit.tracking_code])
    return {
        "tracking_code": visit.tracking_code, "tracking_url": url, "workstation": visit.workstation.name,
        "outcome": visit.outcome, "outcome_display": visit.get_outcome_display(),
        "steps": [{"at": s.at.isoformat(), "text": s.text} for s in progress_steps(visit)],
    }


class PublicIntakeView(APIView):
    """POST without login: leave an issue at a workstation. Same idempotency key → same record
    (HTTP 200 instead of 201); beyond the rate limit → HTTP 429 with a Chinese message."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # checked after the idempotency replay, below
    serializer_class = PublicIntakeSerializer

    @extend_schema(request=PublicIntakeSerializer, responses={
        201: PublicVisitSerializer, 200: OpenApiResponse(PublicVisitSerializer, description="同一幂等键的重复提交"),
        400: OpenApiResponse(description="字段错误（中文）"), 429: OpenApiResponse(description="提交过于频繁")})
    def post(self, request):
        ser = PublicIntakeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        existing = Visit.objects.filter(idempotency_key=data["idempotency_key"]).select_related("workstation").first()
        if existing is not None:
            return Response(_public_payload(existing, request), status=status.HTTP_200_OK)
        throttle = PublicIntakeThrottle()
        if not throttle.allow_request(request, self):
            exc = Throttled(wait=throttle.wait(), detail=throttle._message)
            return Response({"detail": throttle._message, "code": ErrorCode.RATE_LIMITED}, status=exc.status_code,
                            headers={"Retry-After": str(throttle.wait())})
        try:
            visit, created = services.visit_submit_public(
                workstation=data["workstation_code"], issue=data["issue"], category=data["category"],
                name=data["name"], phone=data["phone"], idempotency_key=data["idempotency_key"],
                client_hash=client_hash(request, services.INTAKE_RATE_SCOPE), source=Visit.Source.API,
            )
        except services.RateLimited as exc:
            return Response({"detail": exc.message, "code": ErrorCode.RATE_LIMITED}, status=429,
                            headers={"Retry-After": str(exc.retry_after)})
        return Response(_public_payload(visit, request), status=status.HTTP_201_CREATED if created else 200)


class PublicTrackView(APIView):
    """GET without login: a visit's progress by tracking code, with no personal data."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = PublicVisitSerializer

    @extend_schema(responses={200: PublicVisitSerializer, 404: OpenApiResponse(description="没有找到这个查询码")})
    def get(self, request, code: str):
        code = code.strip().upper()
        # Tracking codes are short base32 strings: anything else (NUL bytes, long input) is not one.
        valid = code.isascii() and code.isalnum() and len(code) <= Visit._meta.get_field("tracking_code").max_length
        visit = Visit.objects.select_related("workstation", "handling_unit").filter(
            tracking_code=code).first() if valid else None
        if visit is None:
            return Response({"detail": "没有找到这个查询码。", "code": ErrorCode.NOT_FOUND}, status=404)
        return Response(_public_payload(visit, request))


__all__ = ["WorkstationViewSet", "ReceptionDayViewSet", "VisitViewSet", "PublicIntakeView", "PublicTrackView"]
