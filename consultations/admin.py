"""Admin for the office: browse and correct data; step changes only through services (actions)."""

from django.contrib import admin, messages

from core.admin_base import ScopedModelAdmin, ScopedTabularInline
from core.errors import DomainError

from . import services
from .models import (
    Consultation, DutyMenu, FollowUpVisit, MenuClaim, Outcome, Participant, Topic, TopicComment,
)


@admin.register(Topic)
class TopicAdmin(ScopedModelAdmin):
    list_display = ["title", "source", "committee", "menu", "created_at"]
    list_filter = ["source", "menu"]
    search_fields = ["title"]
    autocomplete_fields = []
    raw_id_fields = ["proposer_member", "proposer_unit", "menu"]


class ParticipantInline(ScopedTabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["member", "unit"]


class OutcomeInline(ScopedTabularInline):
    model = Outcome
    extra = 0
    fields = ["text", "handling_unit", "status", "due_at", "report"]
    readonly_fields = ["status", "due_at", "report"]
    raw_id_fields = ["handling_unit"]


@admin.register(Consultation)
class ConsultationAdmin(ScopedModelAdmin):
    list_display = ["title", "format", "level", "step", "held_on", "due_at", "committee"]
    list_filter = ["format", "level", "step"]
    search_fields = ["title", "topic__title"]
    readonly_fields = ["step", "due_at", "due_explanation", "research_due_at", "outcomes_sent_at", "follow_up_due_at",
                       "closed_at"]
    raw_id_fields = ["topic", "parent", "chair", "lead_member", "venue_workstation", "organiser_workstation",
                     "venue_township", "venue_community"]
    inlines = [ParticipantInline, OutcomeInline]
    actions = ["schedule_follow_up"]

    @admin.action(description="安排回头看（推动转化环节）", permissions=["change"])
    def schedule_follow_up(self, request, queryset):
        done = 0
        for c in queryset.filter(step=Consultation.Step.CONVERTING):
            try:
                if services.follow_up_schedule(consultation=c, by=request.user):
                    done += 1
            except DomainError as exc:
                self.message_user(request, f"{c}：{exc.message}", messages.ERROR)
        self.message_user(request, f"已安排{done}项回头看。")


@admin.register(TopicComment)
class TopicCommentAdmin(ScopedModelAdmin):
    list_display = ["topic", "body", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "moderated_by", "moderated_at", "idempotency_key"]
    actions = ["approve", "reject"]

    def _moderate(self, request, queryset, approve):
        n = 0
        for comment in queryset.filter(status=TopicComment.Status.PENDING):
            services.comment_moderate(comment=comment, approve=approve, by=request.user)
            n += 1
        self.message_user(request, f"已审核{n}条意见。")

    @admin.action(description="通过并公开", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, True)

    @admin.action(description="不予公开", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, False)


@admin.register(DutyMenu)
class DutyMenuAdmin(ScopedModelAdmin):
    list_display = ["title", "year", "committee", "is_published", "claim_closes_on"]
    readonly_fields = ["is_published", "published_at"]
    actions = ["publish"]

    @admin.action(description="发布履职菜单", permissions=["change"])
    def publish(self, request, queryset):
        for menu in queryset:
            try:
                services.menu_publish(menu=menu, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{menu}：{exc.message}", messages.ERROR)


@admin.register(MenuClaim)
class MenuClaimAdmin(ScopedModelAdmin):
    list_display = ["topic", "member", "created_at"]
    raw_id_fields = ["topic", "member"]


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(ScopedModelAdmin):
    list_display = ["consultation", "scheduled_on", "held_on", "satisfied", "basically_satisfied", "unsatisfied"]
    raw_id_fields = ["consultation", "members"]


@admin.register(Outcome)
class OutcomeAdmin(ScopedModelAdmin):
    list_display = ["text", "consultation", "handling_unit", "status", "due_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "assigned_at", "due_at", "due_explanation", "reported_at"]
    raw_id_fields = ["consultation", "handling_unit"]
