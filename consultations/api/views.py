"""Thin API views: scoped querysets (404 outside scope), writes through the same services, rules and
per-step action table as the pages: a role refusal answers 403 (``rules``, Forbidden), an action the
current step does not allow 400, both with the Chinese message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import OfficeWritePermission, ScopedQuerysetMixin
from core.errors import DomainError
from core.scoping import user_scope
from members.models import Committee, Community, Member, Township

from .. import rules, services
from ..models import Consultation, FollowUpVisit, MenuClaim, Outcome, Topic
from ..views import ACTION_FORMS, _build_form, _run
from .filters import ConsultationFilter, FollowUpVisitFilter, MenuClaimFilter, OutcomeFilter, TopicFilter
from .serializers import (
    ConsultationCreateSerializer, ConsultationSerializer, FollowUpVisitSerializer, MenuClaimSerializer,
    OutcomeReportSerializer, OutcomeSerializer, TopicSerializer,
)


class TopicViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = TopicFilter
    search_fields = ["title"]

    def get_base_queryset(self):
        return Topic.objects.select_related("proposer_member", "proposer_unit").order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        s = user_scope(self.request.user)
        committee = get_object_or_404(Committee, pk=s.committee_id)
        d = serializer.validated_data
        serializer.instance = services.topic_create(committee=committee, by=self.request.user, **d)


def _in_committee(model, pk, committee_id, field):
    if pk in (None, ""):
        return None
    path = {Community: "township__committee_id"}.get(model, "committee_id")
    obj = model.objects.filter(pk=pk, **{path: committee_id}).first()
    if obj is None:
        raise DomainError("所选对象不存在或不属于本政协组织。", field=field)
    return obj


class ConsultationViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Consultation.objects.all()
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter
    search_fields = ["title", "topic__title"]
    ordering_fields = ["scheduled_on", "held_on", "due_at"]

    def get_base_queryset(self):
        return Consultation.objects.select_related(
            "topic", "chair", "venue_workstation", "venue_township", "venue_community").order_by("-scheduled_on", "-pk")

    def create(self, request, *args, **kwargs):
        rules.require_create_any(request.user)
        ser = ConsultationCreateSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        topic = d.pop("topic")
        cid = topic.committee_id
        from workstations.models import Workstation

        for field, model in (("chair", Member), ("lead_member", Member), ("organiser_workstation", Workstation),
                             ("venue_workstation", Workstation), ("venue_township", Township),
                             ("venue_community", Community)):
            d[field] = _in_committee(model, d.get(field), cid, field)
        try:  # the service's rules refuse a convenor organising for another workstation (403)
            c = services.consultation_create(topic=topic, by=request.user, **d)
        except ValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(ConsultationSerializer(c).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path=r"actions/(?P<code>[a-z_]+)")
    def act(self, request, pk=None, code=None):
        """Run one action of the current step (the same table and services as the organiser page):
        participants, research_task, record_findings, start_research, hold_session, minutes,
        outcome_add, finish_session, send_outcomes, outcome_convert, schedule_follow_up,
        record_follow_up, close, reconsult."""
        c = self.get_object()
        if code not in ACTION_FORMS:
            return Response({"detail": f"未知操作“{code}”。", "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
        rules.require_action(request.user, c, code)  # 403 for the role, 400 for the step, before the input
        form = _build_form(code, c, request.data)
        form.prefix = None
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            _run(code, c, form.cleaned_data, request.user)
        except ValidationError as exc:
            return Response(getattr(exc, "message_dict", {"detail": exc.messages}), status=status.HTTP_400_BAD_REQUEST)
        c.refresh_from_db()
        return Response(ConsultationSerializer(c).data)


class OutcomeViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Outcome.objects.all()
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter
    ordering_fields = ["due_at", "assigned_at"]

    def get_base_queryset(self):
        return Outcome.objects.select_related("consultation", "handling_unit").order_by("due_at", "pk")

    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        o = self.get_object()
        rules.require_report_outcome(request.user, o)
        ser = OutcomeReportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        o = services.outcome_report(outcome=o, by=request.user, **ser.validated_data)
        return Response(OutcomeSerializer(o).data)


class FollowUpVisitViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = FollowUpVisit.objects.all()
    serializer_class = FollowUpVisitSerializer
    filterset_class = FollowUpVisitFilter

    def get_base_queryset(self):
        return FollowUpVisit.objects.select_related("consultation").order_by("-scheduled_on", "-pk")


class MenuClaimViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    queryset = MenuClaim.objects.all()
    serializer_class = MenuClaimSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = MenuClaimFilter

    def get_base_queryset(self):
        return MenuClaim.objects.select_related("topic", "member").order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        rules.claiming_member(request.user)  # a login without a member: 403 before the input is read
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.menu_claim(topic=serializer.validated_data["topic"],
                                                  member=rules.claiming_member(self.request.user),
                                                  by=self.request.user)

    def perform_destroy(self, instance):
        services.menu_unclaim(claim=instance, by=self.request.user)


__all__ = ["TopicViewSet", "ConsultationViewSet", "OutcomeViewSet", "FollowUpVisitViewSet", "MenuClaimViewSet"]
