"""Admin for the office. Status, numbers and due dates are read-only here: the actions call the
same services as the pages; the records the workflow writes (answers, countersigns, reviews,
evaluations, supervision) are read here and written through the pages."""

from django.contrib import admin, messages

from core.admin_base import NOBODY, SUPERUSER, ScopedModelAdmin, ScopedTabularInline
from core.errors import DomainError

from . import services
from .models import (
    Answer, Countersign, Evaluation, Proposal, ProposalCosigner, ProposalCounter, PublicComment, PublicOpening,
    Review, SupervisionRecord, UnitAssignment,
)


class CosignerInline(ScopedTabularInline):
    model = ProposalCosigner
    extra = 0
    raw_id_fields = ("member",)
    readonly_fields = ("status", "responded_at")


class AssignmentInline(ScopedTabularInline):
    model = UnitAssignment
    extra = 0
    readonly_fields = ("unit", "role", "round", "due_at", "due_explanation")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # units are assigned through the assign action of the pages (the services)


@admin.register(Proposal)
class ProposalAdmin(ScopedModelAdmin):
    list_display = ("title", "number_label", "proposer_label", "category", "status", "is_key", "due_at")
    list_filter = ("status", "category", "is_key", "proposer_kind", "session")
    search_fields = ("title", "member__name", "group_name")
    list_select_related = ("session", "member")
    raw_id_fields = ("member", "supervising_leader")
    readonly_fields = ("number", "status", "round", "due_at", "due_explanation", "submitted_at", "filed_at",
                       "assigned_at", "released_at", "closed_at")
    inlines = [CosignerInline, AssignmentInline]
    actions = ["file_selected", "release_selected"]

    def has_add_permission(self, request):
        # New proposals go through the services (timeline, co-signers): the member pages or
        # the office's "代为登记提案" page.
        return False

    def _each(self, request, queryset, fn, done_msg):
        ok = 0
        for p in queryset:
            try:
                fn(p)
                ok += 1
            except DomainError as exc:
                self.message_user(request, f"《{p.title}》：{exc.message}", messages.ERROR)
        if ok:
            self.message_user(request, done_msg.format(ok), messages.SUCCESS)

    @admin.action(description="立案所选提案", permissions=["change"])
    def file_selected(self, request, queryset):
        self._each(request, queryset, lambda p: services.proposal_file(proposal=p, by=request.user), "已立案{}件。")

    @admin.action(description="将所选提案的答复送达委员", permissions=["change"])
    def release_selected(self, request, queryset):
        self._each(request, queryset, lambda p: services.proposal_release(proposal=p, by=request.user), "已送达{}件。")


@admin.register(PublicComment)
class PublicCommentAdmin(ScopedModelAdmin):
    list_display = ("__str__", "opening", "status", "created_at", "replied_at")
    list_filter = ("status",)
    readonly_fields = ("status", "moderated_at", "idempotency_key")
    actions = ["approve_selected"]

    @admin.action(description="审核通过所选意见", permissions=["change"])
    def approve_selected(self, request, queryset):
        for c in queryset:
            try:
                services.public_comment_moderate(comment=c, by=request.user, approve=True)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)


class WorkflowRecordAdmin(ScopedModelAdmin):
    """Records the services write as the proposal moves: read here, written through the pages."""

    writable_by = NOBODY


@admin.register(Answer)
class AnswerAdmin(WorkflowRecordAdmin):
    list_display = ("proposal", "assignment", "round", "answer_class", "reviewed_class", "status", "submitted_at")
    list_filter = ("status", "answer_class")
    list_select_related = ("proposal", "assignment__unit")


@admin.register(Countersign)
class CountersignAdmin(WorkflowRecordAdmin):
    list_display = ("answer", "assignment", "status", "due_at", "confirmed_at")
    list_filter = ("status",)
    list_select_related = ("answer", "assignment__unit")


@admin.register(Evaluation)
class EvaluationAdmin(WorkflowRecordAdmin):
    list_display = ("proposal", "result", "created_at")
    list_select_related = ("proposal",)


@admin.register(SupervisionRecord)
class SupervisionRecordAdmin(WorkflowRecordAdmin):
    list_display = ("proposal", "leader", "on", "method")
    list_filter = ("method",)
    list_select_related = ("proposal", "leader")


@admin.register(Review)
class ReviewAdmin(WorkflowRecordAdmin):
    list_display = ("proposal", "decision", "created_at")
    list_filter = ("decision",)
    list_select_related = ("proposal",)


@admin.register(PublicOpening)
class PublicOpeningAdmin(ScopedModelAdmin):
    """Opening and closing go through the proposal pages (the services); the summary can be edited."""

    list_display = ("proposal", "opened_on", "closes_on", "is_open")
    list_filter = ("is_open",)
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal",)
    state_fields = ("is_open", "opened_on")

    def has_add_permission(self, request, *args):
        return False


@admin.register(ProposalCounter)
class ProposalCounterAdmin(ScopedModelAdmin):
    """The numbering counter of each plenary session: the office reads it, superusers correct it."""

    list_display = ("session", "last_number")
    writable_by = SUPERUSER
