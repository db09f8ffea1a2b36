"""Admin for the office. Status is read-only here: actions call the same services as the pages."""

from django.contrib import admin, messages

from core.errors import DomainError
from core.admin_base import ScopedModelAdmin, ScopedStackedInline, ScopedTabularInline

from . import services
from .models import Bulletin, CarryBack, Forwarding, LeaderInstruction, OpinionReport, Outcome, UnitFeedback


def _run(modeladmin, request, queryset, fn, done: str):
    ok, failed = 0, []
    for obj in queryset:
        try:
            fn(obj)
            ok += 1
        except DomainError as exc:
            failed.append(f"{obj}：{exc.message}")
    if ok:
        modeladmin.message_user(request, f"{done}{ok}条。", messages.SUCCESS)
    for f in failed[:20]:
        modeladmin.message_user(request, f, messages.ERROR)


class ForwardingInline(ScopedTabularInline):
    model = Forwarding
    extra = 0
    can_delete = False
    fields = ("kind", "unit", "to_committee", "forwarded_at", "due_at", "is_active", "answered_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class FeedbackInline(ScopedStackedInline):
    model = UnitFeedback
    extra = 0
    can_delete = False
    readonly_fields = ("unit", "content", "proposed_outcome", "answered_at", "attachment")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class CarryBackInline(ScopedTabularInline):
    model = CarryBack
    extra = 0
    can_delete = False
    fields = ("member", "carried_on", "method", "people_reached", "satisfaction", "member_rating")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OpinionReport)
class OpinionReportAdmin(ScopedModelAdmin):
    list_display = ("number", "title", "status", "category", "source", "direction", "unit", "due_at", "outcome",
                    "received_at")
    list_filter = ("status", "category", "source", "direction", "outcome", "committee")
    search_fields = ("title", "number", "content")
    readonly_fields = ("status", "number", "outcome", "received_at", "registered_at", "forwarded_at", "fed_back_at",
                       "carried_back_at", "closed_at", "due_at", "due_stage", "due_explanation", "unit", "bulletin",
                       "visit", "merged_into")
    raw_id_fields = ("members", "workstation")
    list_select_related = ("unit",)
    inlines = [ForwardingInline, FeedbackInline, CarryBackInline]
    actions = ["register_selected", "close_resolved", "close_in_progress"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        # New reports come in through the pages and API (which start the registration clock).
        return False

    @admin.action(description="分类登记所选信息", permissions=["change"])
    def register_selected(self, request, queryset):
        _run(self, request, queryset, lambda r: services.opinion_report_register(report=r, by=request.user),
             "已登记")

    @admin.action(description="办结所选信息：已解决", permissions=["change"])
    def close_resolved(self, request, queryset):
        _run(self, request, queryset,
             lambda r: services.opinion_report_close(report=r, by=request.user, outcome=Outcome.RESOLVED), "已办结")

    @admin.action(description="办结所选信息：正在办理", permissions=["change"])
    def close_in_progress(self, request, queryset):
        _run(self, request, queryset,
             lambda r: services.opinion_report_close(report=r, by=request.user, outcome=Outcome.IN_PROGRESS), "已办结")


@admin.register(Bulletin)
class BulletinAdmin(ScopedModelAdmin):
    list_display = ("__str__", "title", "issued_on", "sent_to", "committee")
    list_filter = ("year", "committee")
    readonly_fields = ("committee", "year", "number")

    def has_add_permission(self, request):
        return False  # composed on the bulletin page, which numbers issues without gaps

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted issue would leave a gap in the numbering


@admin.register(LeaderInstruction)
class LeaderInstructionAdmin(ScopedModelAdmin):
    list_display = ("report", "leader", "instructed_on", "status", "acted_at")
    list_filter = ("status",)
    readonly_fields = ("report", "leader", "text", "instructed_on", "status", "acted_note", "acted_at")
    list_select_related = ("report", "leader")

    def has_add_permission(self, request):
        return False


@admin.register(CarryBack)
class CarryBackAdmin(ScopedModelAdmin):
    list_display = ("report", "member", "carried_on", "method", "people_reached", "satisfaction", "member_rating")
    list_filter = ("method", "satisfaction", "member_rating")
    list_select_related = ("report", "member")
    readonly_fields = [f.name for f in CarryBack._meta.fields]

    def has_add_permission(self, request):
        return False
