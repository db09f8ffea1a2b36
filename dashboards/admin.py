from django.contrib import admin, messages

from core.admin_base import NOBODY, ScopedModelAdmin

from .models import DailyStat, RollupReport
from .periods import make_period
from .services import rollup_request


@admin.register(RollupReport)
class RollupReportAdmin(ScopedModelAdmin):
    list_display = ["label", "kind", "committee", "status", "progress", "requested_on_demand", "finished_at"]
    list_filter = ["kind", "status", "committee"]
    readonly_fields = ["committee", "kind", "period_start", "period_end", "label", "status", "progress", "file",
                       "error", "requested_on_demand", "finished_at"]
    actions = ["regenerate"]

    list_select_related = ["committee"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="重新生成所选报表", permissions=["change"])
    def regenerate(self, request, queryset):
        for report in queryset:
            rollup_request(committee=report.committee, period=make_period(report.kind, report.period_start),
                           by=request.user)
        messages.success(request, f"已安排重新生成{queryset.count()}份报表。")


@admin.register(DailyStat)
class DailyStatAdmin(ScopedModelAdmin):
    """Figures the refresh computes: read only."""

    list_display = ["day", "metric", "committee", "key", "township_id", "unit_id", "ref_id", "bucket", "value"]
    list_filter = ["metric"]
    date_hierarchy = "day"

    list_select_related = ["committee"]
    writable_by = NOBODY
