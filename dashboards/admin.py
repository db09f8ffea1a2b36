from django.contrib import admin, messages

from core.scoping import user_scope

from .models import DailyStat, RollupReport
from .periods import make_period
from .services import rollup_request


@admin.register(RollupReport)
class RollupReportAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "committee", "status", "progress", "requested_on_demand", "finished_at"]
    list_filter = ["kind", "status", "committee"]
    readonly_fields = ["committee", "kind", "period_start", "period_end", "label", "status", "progress", "file",
                       "error", "requested_on_demand", "finished_at"]
    actions = ["regenerate"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("committee")
        s = user_scope(request.user)
        return qs if s.is_superuser else qs.filter(committee_id__in=sorted(s.committee_ids))

    def has_add_permission(self, request):
        return False

    @admin.action(description="重新生成所选报表")
    def regenerate(self, request, queryset):
        for report in queryset:
            rollup_request(committee=report.committee, period=make_period(report.kind, report.period_start),
                           by=request.user)
        messages.success(request, f"已安排重新生成{queryset.count()}份报表。")


@admin.register(DailyStat)
class DailyStatAdmin(admin.ModelAdmin):
    list_display = ["day", "metric", "committee", "key", "township_id", "unit_id", "ref_id", "bucket", "value"]
    list_filter = ["metric"]
    date_hierarchy = "day"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("committee")
        s = user_scope(request.user)
        return qs if s.is_superuser else qs.filter(committee_id__in=sorted(s.committee_ids))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
