"""Thin API views: scoped querysets, serializers for shape, services for every write. A refused
transition is a DomainError, which core.api turns into HTTP 400 with the Chinese message."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedQuerysetMixin
from core.errors import DomainError
from core.models import StateChange
from core.scoping import user_scope

from .. import rules, services
from ..models import Bulletin, OpinionReport
from . import serializers as s
from .filters import BulletinFilter, ReportFilter


class ReportViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """社情民意信息: list, read, submit, and each workflow step as a POST action."""

    queryset = OpinionReport.objects.all()
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter
    search_fields = ["title", "number"]
    ordering_fields = ["received_at", "due_at", "registered_at"]

    def get_base_queryset(self):
        from members.models import Member

        qs = OpinionReport.objects.select_related("unit", "bulletin").prefetch_related(
            Prefetch("members", queryset=Member.objects.only("pk", "name")))
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("timeline_entries",
                                              queryset=StateChange.objects.select_related("actor").order_by("at", "pk")))
        return qs

    def get_serializer_class(self):
        if self.action == "list":
            return s.ReportSerializer
        if self.action == "create":
            return s.ReportCreateSerializer
        return {
            "register": s.RegisterSerializer, "reject": s.NoteSerializer, "forward": s.ForwardSerializer,
            "return_": s.NoteSerializer, "feedback": s.FeedbackSerializer, "carry_back": s.CarryBackSerializer,
            "close": s.CloseSerializer, "instruct": s.InstructSerializer,
            "from_visit": s.FromVisitSerializer,
        }.get(self.action, s.ReportDetailSerializer)

    def _done(self, report, code=status.HTTP_200_OK):
        report = self.get_base_queryset().get(pk=report.pk)
        return Response(s.ReportDetailSerializer(report, context=self.get_serializer_context()).data, status=code)

    def _input(self, request):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    @extend_schema(request=s.ReportCreateSerializer, responses=s.ReportDetailSerializer)
    def create(self, request, *args, **kwargs):
        rules.require_submit(request.user)  # a role refusal (403) before the input is read
        d = self._input(request)
        report = services.opinion_report_create(
            by=request.user, title=d["title"], content=d["content"], category=d["category"],
            direction=d["direction"], workstation=d.get("workstation"), members=d.get("member_ids") or [])
        return self._done(report, status.HTTP_201_CREATED)

    @extend_schema(responses={201: s.ReportDetailSerializer,
                              200: OpenApiResponse(s.ReportDetailSerializer, description="该接待记录已转为信息")})
    @action(detail=False, methods=["post"], url_path="from-visit")
    def from_visit(self, request):
        """One click on a reception visit or QR issue: the report it becomes (made once)."""
        from core.scoping import get_visible_or_404
        from workstations.models import Visit

        rules.require_submit(request.user)  # a role refusal (403) before the input is read
        d = self._input(request)
        visit = get_visible_or_404(Visit.objects.select_related("workstation"), request.user, pk=d["visit"])
        report, created = services.opinion_report_from_visit(visit=visit, by=request.user)
        return self._done(report, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        d = self._input(request)
        return self._done(services.opinion_report_register(report=self.get_object(), by=request.user, **d))

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = self._input(request)
        return self._done(services.opinion_report_reject(report=self.get_object(), by=request.user, note=d["note"]))

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        from members.models import HandlingUnit

        d = self._input(request)
        report = self.get_object()
        unit = HandlingUnit.objects.visible_to(request.user).filter(pk=d.get("unit") or 0).first()
        if d.get("unit") and unit is None:
            raise DomainError("承办单位不存在。", field="unit")
        services.opinion_report_forward(report=report, by=request.user, unit=unit, upward=d["upward"], note=d["note"])
        return self._done(report)

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        d = self._input(request)
        return self._done(services.opinion_report_return(report=self.get_object(), by=request.user, note=d["note"]))

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        d = self._input(request)
        report = self.get_object()
        services.opinion_report_feedback(report=report, by=request.user, content=d["content"], outcome=d["outcome"],
                                         contact_name=d["contact_name"])
        return self._done(report)

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="carry-back")
    def carry_back(self, request, pk=None):
        report = self.get_object()
        rules.require_carry_back(request.user, report)  # 404 outside scope, then 403 for the role
        d = self._input(request)
        services.opinion_report_carry_back(
            report=report, by=request.user, member=d.get("member"), method=d["method"], satisfaction=d["satisfaction"],
            people_reached=d["people_reached"], carried_on=d.get("carried_on"), member_rating=d["member_rating"],
            note=d["note"])
        return self._done(report)

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        d = self._input(request)
        return self._done(services.opinion_report_close(report=self.get_object(), by=request.user,
                                                        outcome=d["outcome"], note=d["note"]))

    @extend_schema(responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        d = self._input(request)
        report = self.get_object()
        services.opinion_report_instruct(report=report, by=request.user, text=d["text"],
                                         leader_title=d["leader_title"])
        return self._done(report)


class BulletinViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """社情民意专报 (numbered issues)."""

    queryset = Bulletin.objects.all()
    serializer_class = s.BulletinSerializer
    filterset_class = BulletinFilter
    ordering_fields = ["issued_on", "number"]

    def get_base_queryset(self):
        return Bulletin.objects.annotate(report_count=Count("reports")).order_by("-year", "-number")

    def get_serializer_class(self):
        return s.BulletinCreateSerializer if self.action == "create" else s.BulletinSerializer

    @extend_schema(request=s.BulletinCreateSerializer, responses=s.BulletinSerializer)
    def create(self, request, *args, **kwargs):
        from members.models import Committee

        scope = user_scope(request.user)
        if not scope.is_superuser:  # a role refusal (403) before the input is read
            rules.require_compose_bulletin(request.user, Committee.objects.filter(pk=scope.committee_id).first())
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        reports = list(OpinionReport.objects.visible_to(request.user).filter(pk__in=d["report_ids"]))
        committee = Committee.objects.filter(pk=scope.committee_id).first() or (reports[0].committee if reports else None)
        if committee is None or len(reports) != len(set(d["report_ids"])):
            raise DomainError("所选信息不存在。", field="report_ids")
        bulletin = services.bulletin_compose(committee=committee, title=d["title"], reports=reports, by=request.user,
                                             sent_to=d["sent_to"], editor_note=d["editor_note"])
        bulletin = self.get_base_queryset().get(pk=bulletin.pk)
        return Response(s.BulletinSerializer(bulletin).data, status=status.HTTP_201_CREATED)
