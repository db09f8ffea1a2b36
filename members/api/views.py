"""Thin API views: scoped querysets (core.api.ScopedQuerysetMixin), office-only writes, and writes
that go through the services (whose refusals are field errors, HTTP 400)."""

from __future__ import annotations

from django.db import IntegrityError
from django.db.models import ProtectedError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import OfficeWritePermission, ScopedQuerysetMixin, parse_id
from core.errors import DomainError
from core.scoping import user_scope

from .. import selectors, services
from ..models import (
    Assignment, Committee, Community, HandlingUnit, Member, PointEntry, Sector, SpecialCommittee, Township,
)
from . import filters, serializers


class StampedWritesMixin:
    """Create/update stamp the audit fields; deleting something still in use is a 400, not a 500."""

    def perform_create(self, serializer):
        user = self.request.user
        serializer.save(created_by=user, updated_by=user)

    def perform_update(self, serializer):
        serializer.save(updated_by=self.request.user)

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except (ProtectedError, IntegrityError) as exc:
            raise DomainError("仍有关联数据（委员、联系安排或办理事项），不能删除。", code="protected") from exc


class CommitteeViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """政协组织 (read only; committees are set up by the system administrator)."""

    queryset = Committee.objects.select_related("parent")
    serializer_class = serializers.CommitteeSerializer
    filterset_fields = ["level", "parent"]
    search_fields = ["name", "short_name"]


class SectorViewSet(StampedWritesMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """界别"""

    queryset = Sector.objects.all()
    serializer_class = serializers.SectorSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.SectorFilter
    search_fields = ["name"]


class SpecialCommitteeViewSet(StampedWritesMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """专委会 (with their activity groups)"""

    queryset = SpecialCommittee.objects.prefetch_related("activity_groups")
    serializer_class = serializers.SpecialCommitteeSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.SpecialCommitteeFilter
    search_fields = ["name"]


class TownshipViewSet(StampedWritesMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """乡镇（街道）"""

    queryset = Township.objects.all()
    serializer_class = serializers.TownshipSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.TownshipFilter
    search_fields = ["name"]


class CommunityViewSet(StampedWritesMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """社区（村居）"""

    queryset = Community.objects.select_related("township")
    serializer_class = serializers.CommunitySerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.CommunityFilter
    search_fields = ["name", "township__name"]


class HandlingUnitViewSet(StampedWritesMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """承办单位"""

    queryset = HandlingUnit.objects.all()
    serializer_class = serializers.HandlingUnitSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.HandlingUnitFilter
    search_fields = ["name"]


class MemberViewSet(StampedWritesMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """委员: phone numbers are masked unless the user manages the roster."""

    queryset = Member.objects.all()
    serializer_class = serializers.MemberSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.MemberFilter
    search_fields = ["name", "name_initials", "employer"]
    ordering_fields = ["name_initials", "id"]

    def get_base_queryset(self):
        return selectors.members_with_places()

    def perform_create(self, serializer):
        serializer.instance = services.member_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.member_update(member=serializer.instance, by=self.request.user,
                                                     **serializer.validated_data)


class AssignmentViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                        mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """委员联系安排: created through the service (same rules as the admin); ended, never deleted."""

    queryset = Assignment.objects.select_related("member", "township", "community")
    serializer_class = serializers.AssignmentSerializer
    permission_classes = [OfficeWritePermission]
    filterset_class = filters.AssignmentFilter

    def perform_create(self, serializer):
        serializer.instance = services.assignment_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=serializers.AssignmentEndSerializer, responses=serializers.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = self.get_object()
        body = serializers.AssignmentEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = services.assignment_end(assignment=assignment, end_date=body.validated_data.get("end_date"),
                                             by=request.user)
        return Response(self.get_serializer(assignment).data)


class PointEntryViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """履职积分记录 (read only; credited by the workflows)"""

    queryset = PointEntry.objects.select_related("member", "rule", "content_type")
    serializer_class = serializers.PointEntrySerializer
    filterset_class = filters.PointEntryFilter


class CoverageView(APIView):
    """联系覆盖情况: ``selectors.coverage_summary`` for the user's committees (office users only);
    ``?committee=<id>`` narrows to one visible committee. Shape: see docs/members.md."""

    permission_classes = [OfficeWritePermission]

    @extend_schema(parameters=[OpenApiParameter("committee", int, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        s = user_scope(request.user)
        if not s.is_office:  # a role refusal (403); another committee's figures stay 404 below
            raise PermissionDenied("仅限政协机关工作人员和领导。")
        ids = None if s.is_superuser else set(s.committee_ids)
        chosen = request.query_params.get("committee", "")
        if chosen:
            pk = parse_id(chosen)
            if pk is None or not Committee.objects.visible_to(request.user).filter(pk=pk).exists():
                raise NotFound()
            ids = {pk}
        data = selectors.coverage_summary(ids)
        data["on"] = data["on"].isoformat()
        return Response(data)
