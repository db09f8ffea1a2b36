"""Staff admin for workstations; actions call services, querysets are scoped to the staff's committee."""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet

from core.admin_base import ScopedModelAdmin, ScopedTabularInline
from core.errors import DomainError

from . import services
from .models import ReceptionDay, StandardItem, Visit, Workstation, WorkstationMembership, WorkstationMonthFlag


class MembershipFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        committee_id = self.instance.committee_id
        for form in self.forms:
            member = form.cleaned_data.get("member") if hasattr(form, "cleaned_data") else None
            if member is not None and committee_id and member.committee_id != committee_id:
                form.add_error("member", f"{member.name}不属于本工作室所在的政协组织。")


class MembershipInline(ScopedTabularInline):
    model = WorkstationMembership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "role", "started_on", "ended_on"]


class StandardInline(ScopedTabularInline):
    model = StandardItem
    extra = 0
    fields = ["code", "done", "note", "photo", "checked_on"]
    can_delete = False


@admin.register(Workstation)
class WorkstationAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "township", "sector", "host_kind", "lead_member", "opened_on", "public_code",
                    "is_active"]
    list_filter = ["kind", "host_kind", "is_active", "committee"]
    search_fields = ["name", "host_name", "address", "public_code"]
    autocomplete_fields = ["lead_member", "township", "sector"]
    readonly_fields = ["public_code"]
    inlines = [MembershipInline, StandardInline]
    actions = ["plan_next_three_months"]

    @admin.action(description="按固定接待日生成未来3个月的计划", permissions=["change"])
    def plan_next_three_months(self, request, queryset):
        total = 0
        for ws in queryset:
            try:
                total += services.reception_rule_generate(workstation=ws, months=3, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{ws.name}：{exc.message}", messages.WARNING)
        self.message_user(request, f"共生成{total}个计划接待日。")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.standards_ensure(workstation=obj)


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ScopedModelAdmin):
    list_display = ["workstation", "date", "status", "held_logged_by"]
    list_filter = ["status", "workstation__kind"]
    date_hierarchy = "date"
    search_fields = ["workstation__name"]
    readonly_fields = ["status", "held_logged_by", "held_logged_at"]
    filter_horizontal = ["duty_members"]


@admin.register(Visit)
class VisitAdmin(ScopedModelAdmin):
    list_display = ["tracking_code", "workstation", "received_on", "source", "category", "outcome", "masked_phone"]
    list_filter = ["source", "category", "outcome"]
    date_hierarchy = "received_on"
    search_fields = ["tracking_code", "issue", "workstation__name"]
    readonly_fields = ["tracking_code", "outcome", "client_hash", "idempotency_key"]
    exclude = ["phone"]


@admin.register(WorkstationMonthFlag)
class WorkstationMonthFlagAdmin(ScopedModelAdmin):
    list_display = ["workstation", "month", "held_count", "required", "created_at"]
    list_filter = ["month"]
