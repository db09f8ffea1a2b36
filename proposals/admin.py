from django.contrib import admin, messages

from core.errors import DomainError

from . import services
from .models import (
    Answer, Countersign, Evaluation, Proposal, ProposalCosigner, ProposalCounter, PublicComment, PublicOpening,
    Review, SupervisionRecord, UnitAssignment,
)


class CosignerInline(admin.TabularInline):
    model = ProposalCosigner
    extra = 0
    raw_id_fields = ("member",)
    readonly_fields = ("status", "responded_at")


class AssignmentInline(admin.TabularInline):
    model = UnitAssignment
    extra = 0
    readonly_fields = ("unit", "role", "round", "due_at", "due_explanation")
    can_delete = False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
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

    @admin.action(description="立案所选提案")
    def file_selected(self, request, queryset):
        self._each(request, queryset, lambda p: services.proposal_file(proposal=p, by=request.user), "已立案{}件。")

    @admin.action(description="将所选提案的答复送达委员")
    def release_selected(self, request, queryset):
        self._each(request, queryset, lambda p: services.proposal_release(proposal=p, by=request.user), "已送达{}件。")


@admin.register(PublicComment)
class PublicCommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "opening", "status", "created_at", "replied_at")
    list_filter = ("status",)
    readonly_fields = ("status", "moderated_at", "idempotency_key")
    actions = ["approve_selected"]

    @admin.action(description="审核通过所选意见")
    def approve_selected(self, request, queryset):
        for c in queryset:
            try:
                services.public_comment_moderate(comment=c, by=request.user, approve=True)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)


for model in (Answer, Countersign, Evaluation, SupervisionRecord, PublicOpening, Review, ProposalCounter):
    admin.site.register(model)
