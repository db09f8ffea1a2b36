"""Dashboard data for the province platform (三级贯通): the same figures as the page, same scoping."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api import IdLookupMixin
from core.scoping import user_scope

from ..forms import DashboardFilterForm, RollupRequestForm
from ..models import RollupReport
from ..selectors import dashboard_committee_ids, dashboard_data, unit_table
from ..services import rollup_request
from .serializers import RollupReportSerializer, RollupRequestSerializer

FILTER_PARAMS = [
    OpenApiParameter("period", str, description="2026（年）、2026-Q4（季度）或 2026-11（月）；默认本年"),
    OpenApiParameter("committee", int, description="只看下级某个政协组织（上级政协）"),
    OpenApiParameter("township", int), OpenApiParameter("sector", int), OpenApiParameter("special_committee", int),
]


def _office_ids(request) -> list[int]:
    ids = dashboard_committee_ids(request.user)
    if not ids:
        raise PermissionDenied("仅政协机关工作人员和领导可以查看。")
    return ids


def _filters(request):
    form = DashboardFilterForm(request.query_params or None, committee_ids=_office_ids(request))
    if form.is_bound and not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    if not form.is_bound:
        form.cleaned_data = {}
    return form.to_filters()


class DashboardViewSet(viewsets.ViewSet):
    @extend_schema(parameters=FILTER_PARAMS, responses=OpenApiTypes.OBJECT,
                   summary="驾驶舱全部指标（与页面、报表一致）")
    @action(detail=False, methods=["get"])
    def summary(self, request):
        data = dashboard_data(_filters(request))
        data.pop("charts", None)
        return Response(data)

    @extend_schema(parameters=FILTER_PARAMS, responses=OpenApiTypes.OBJECT, summary="承办单位公平榜")
    @action(detail=False, methods=["get"])
    def units(self, request):
        f = _filters(request)
        return Response(unit_table(committee_ids=f.committee_ids, period=f.period))


class RollupReportViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RollupReportSerializer
    queryset = RollupReport.objects.none()

    def get_queryset(self):
        return (RollupReport.objects.filter(committee_id__in=_office_ids(self.request)).select_related("committee")
                .order_by("-period_start", "kind", "committee_id"))

    @extend_schema(request=RollupRequestSerializer, responses={202: RollupReportSerializer},
                   summary="手动生成报表（排队，返回进度）")
    def create(self, request):
        ids = _office_ids(request)
        if not user_scope(request.user).can_manage:
            raise PermissionDenied("只有机关工作人员可以生成报表。")
        form = RollupRequestForm(request.data, committee_ids=ids)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        report = rollup_request(committee=form.cleaned_data["committee"], period=form.cleaned_data["period_obj"],
                                by=request.user)
        report.refresh_from_db()
        return Response(self.get_serializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY}, summary="下载报表 .xlsx")
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status != RollupReport.Status.DONE or not report.file:
            raise Http404
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
