"""Admin of the committee directory (Chinese by default). Querysets are scoped, saves stamped,
actions and imports call services; the coverage page and the roster import live on their own
entries of the index (联系覆盖情况, 花名册导入)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from core.admin_base import NOBODY, GlobalTableAdmin, ScopedModelAdmin, ScopedStackedInline, ScopedTabularInline
from core.errors import DomainError
from core.scoping import user_scope

from . import imports, rules, selectors
from .forms import AssignmentAdminForm, AssignmentInlineForm, AssignmentInlineFormSet, AssignToPlaceForm, RosterUploadForm
from .models import (
    ActivityGroup, Assignment, Committee, Community, CoverageReport, HandlingUnit, Member, PlenarySession,
    PointEntry, PointRule, Profile, RosterImport, Sector, SpecialCommittee, Term, Township,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_FIELDS = ("created_by", "created_at", "updated_by", "updated_at")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX)
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


# --- Committees, terms, sessions ------------------------------------------------------------------

class TermInline(ScopedTabularInline):
    model = Term
    fields = ("number", "name", "start_date", "end_date")


class PlenarySessionInline(ScopedTabularInline):
    model = PlenarySession
    fields = ("number", "name", "opened_on")


@admin.register(Committee)
class CommitteeAdmin(ScopedModelAdmin):
    list_display = ("name", "short_name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "short_name")
    list_select_related = ("parent",)
    readonly_fields = AUDIT_FIELDS
    inlines = [TermInline]

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return AUDIT_FIELDS
        return ("level", "parent", *AUDIT_FIELDS)


@admin.register(Term)
class TermAdmin(ScopedModelAdmin):
    list_display = ("name", "committee", "number", "start_date", "end_date")
    list_filter = (("committee", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("committee",)
    inlines = [PlenarySessionInline]
    readonly_fields = AUDIT_FIELDS


@admin.register(PlenarySession)
class PlenarySessionAdmin(ScopedModelAdmin):
    list_display = ("name", "term", "number", "opened_on")
    list_select_related = ("term__committee",)
    readonly_fields = AUDIT_FIELDS


# --- Sectors, special committees ------------------------------------------------------------------

@admin.register(Sector)
class SectorAdmin(ScopedModelAdmin):
    list_display = ("name", "committee", "order", "member_count")
    list_editable = ("order",)
    list_filter = (("committee", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)
    list_select_related = ("committee",)
    readonly_fields = AUDIT_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("members", filter=Q(members__is_active=True)))

    @admin.display(description="在任委员数", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


class ActivityGroupInline(ScopedTabularInline):
    model = ActivityGroup
    fields = ("name",)


@admin.register(SpecialCommittee)
class SpecialCommitteeAdmin(ScopedModelAdmin):
    list_display = ("name", "committee", "order", "member_count")
    list_editable = ("order",)
    list_filter = (("committee", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)
    list_select_related = ("committee",)
    inlines = [ActivityGroupInline]
    readonly_fields = AUDIT_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("members", filter=Q(members__is_active=True)))

    @admin.display(description="在任委员数", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


# --- Geography ------------------------------------------------------------------------------------

class CommunityInline(ScopedTabularInline):
    model = Community
    fields = ("name", "kind")


@admin.register(Township)
class TownshipAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "committee", "order", "community_count")
    list_editable = ("order",)
    list_filter = ("kind", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name",)
    list_select_related = ("committee",)
    inlines = [CommunityInline]
    readonly_fields = AUDIT_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_communities=Count("communities"))

    @admin.display(description="社区（村居）数", ordering="n_communities")
    def community_count(self, obj):
        return obj.n_communities


@admin.register(Community)
class CommunityAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "township", "member_count")
    list_filter = ("kind", ("township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "township__name")
    list_select_related = ("township",)
    readonly_fields = AUDIT_FIELDS

    def get_queryset(self, request):
        today = timezone.localdate()
        active = Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=today)
        return super().get_queryset(request).annotate(
            n_members=Count("assignments__member", filter=active & Q(assignments__start_date__lte=today), distinct=True))

    @admin.display(description="联系委员数", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(HandlingUnit)
class HandlingUnitAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "committee", "township", "contact_name", "is_active")
    list_filter = ("kind", "is_active", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "contact_name")
    list_select_related = ("committee", "township")
    readonly_fields = AUDIT_FIELDS


# --- Members ----------------------------------------------------------------------------------------

class AssignmentInline(ScopedTabularInline):
    model = Assignment
    form = AssignmentInlineForm
    formset = AssignmentInlineFormSet
    fields = ("township", "community", "basis", "start_date", "end_date")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("township", "community")


class TownshipListFilter(admin.SimpleListFilter):
    """Members by the township of an active assignment (or with none)."""

    title = "联系乡镇（街道）"
    parameter_name = "township"

    def lookups(self, request, model_admin):
        rows = list(Township.objects.visible_to(request.user).values_list("pk", "name", "committee__short_name",
                                                                           "committee_id"))
        several = len({r[3] for r in rows}) > 1
        return [("none", "（未安排联系）"),
                *((str(pk), f"{short}·{name}" if several else name) for pk, name, short, _ in rows)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        active = Assignment.objects.active()
        if value == "none":
            return queryset.exclude(pk__in=active.values("member_id"))
        if value.isdigit():
            return queryset.filter(pk__in=active.filter(township_id=int(value)).values("member_id"))
        return queryset


class CommunityCoveredFilter(admin.SimpleListFilter):
    title = "联系社区（村居）"
    parameter_name = "community"

    def lookups(self, request, model_admin):
        township = request.GET.get("township")
        if not (township and township.isdigit()):
            return []
        rows = Community.objects.visible_to(request.user).filter(township_id=int(township)).values_list("pk", "name")
        return [(str(pk), name) for pk, name in rows]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(pk__in=Assignment.objects.active().filter(community_id=int(value)).values("member_id"))
        return queryset


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = "__all__"
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


@admin.register(Member)
class MemberAdmin(ScopedModelAdmin):
    form = MemberAdminForm

    def save_model(self, request, obj, form, change):
        # The same rule as members.services (the API and imports): staff of the member's committee tree.
        rules.require_manage(request.user, obj.committee_id, "修改委员信息" if change else "登记委员")
        super().save_model(request, obj, form, change)
    list_display = ("name", "gender", "sector", "special_committee", "party_label", "is_standing", "phone_masked",
                    "employer", "places", "committee_label")
    list_display_links = ("name",)
    list_filter = (
        ("sector", admin.RelatedOnlyFieldListFilter),
        ("special_committee", admin.RelatedOnlyFieldListFilter),
        TownshipListFilter,
        CommunityCoveredFilter,
        "party",
        "is_standing",
        "is_active",
        ("committee", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "name_initials", "employer", "=phone")
    search_help_text = "按姓名、拼音首字母（如 zs）、工作单位或完整手机号码搜索"
    list_select_related = ("committee", "sector", "special_committee")
    list_per_page = 50
    autocomplete_fields = ()
    raw_id_fields = ("user",)
    inlines = [AssignmentInline]
    actions = ["assign_to_place", "export_selected"]
    change_list_template = "admin/members/member/change_list.html"

    class Media:
        css = {"all": ["members/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(selectors.active_assignments_prefetch())

    def get_list_display(self, request):
        s = user_scope(request.user)
        if not s.is_superuser and len(s.committee_ids) <= 1:
            return [f for f in self.list_display if f != "committee_label"]
        return self.list_display

    def get_fieldsets(self, request, obj=None):
        phone = "phone" if user_scope(request.user).can_manage else "phone_masked"
        return [
            (None, {"fields": ["committee", "term", "name", "gender", ("party", "party_name"), "is_standing",
                               "is_active"]}),
            ("界别与专委会", {"fields": ["sector", "special_committee", "activity_group"]}),
            ("工作与联系方式", {"fields": ["employer", "title", phone, "email", "user", "note"]}),
            ("记录", {"fields": list(AUDIT_FIELDS), "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        ro = list(AUDIT_FIELDS)
        if not user_scope(request.user).can_manage:
            ro.append("phone_masked")
        return ro

    @admin.display(description="手机号码")
    def phone_masked(self, obj):
        return obj.masked_phone

    @admin.display(description="政治面貌", ordering="party")
    def party_label(self, obj):
        return obj.party_name or obj.get_party_display()

    @admin.display(description="政协组织", ordering="committee")
    def committee_label(self, obj):
        return obj.committee.short_name or obj.committee.name

    @admin.display(description="联系乡镇/社区")
    def places(self, obj):
        rows = getattr(obj, "active_assignments", [])
        return format_html_join("<br>", "{}", (
            (f"{a.township.name}{'·' + a.community.name if a.community_id else ''}",) for a in rows)) or "—"

    # --- the bulk action with its intermediate form ---
    @admin.action(description="分配到乡镇/社区", permissions=["change"])
    def assign_to_place(self, request, queryset):
        members = list(queryset)
        if "apply" in request.POST:
            form = AssignToPlaceForm(request.POST, user=request.user)
            if form.is_valid():
                result = form.apply(members=members, by=request.user)
                if result is not None:
                    created, skipped = result
                    place = form.cleaned_data.get("community") or form.cleaned_data["township"]
                    self.message_user(request, f"已将 {created} 名委员安排到“{place}”。", messages.SUCCESS)
                    if skipped:
                        self.message_user(request, f"跳过 {len(skipped)} 名已在该处联系的委员：{'、'.join(skipped)}。",
                                          messages.WARNING)
                    return None
        else:
            form = AssignToPlaceForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "分配到乡镇/社区",
            "opts": self.model._meta,
            "members": members,
            "form": form,
            "action_name": "assign_to_place",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/members/member/assign_to_place.html", context)

    @admin.action(description="导出所选委员（Excel）", permissions=["view"])
    def export_selected(self, request, queryset):
        full = user_scope(request.user).can_manage
        return _xlsx_response(imports.members_export(queryset, full_phone=full),
                              f"委员名单-{timezone.localdate():%Y%m%d}.xlsx")

    # --- export of the filtered list ---
    def get_urls(self):
        extra = [path("export/", self.admin_site.admin_view(self.export_view), name="members_member_export")]
        return extra + super().get_urls()

    def export_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        from django.contrib.admin.options import IncorrectLookupParameters

        try:
            cl = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:members_member_changelist") + "?e=1")
        qs = cl.get_queryset(request)
        full = user_scope(request.user).can_manage
        return _xlsx_response(imports.members_export(qs, full_phone=full),
                              f"委员名单-{timezone.localdate():%Y%m%d}.xlsx")


class ActiveAssignmentFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("1", "有效"), ("0", "已结束或未开始")]

    def queryset(self, request, queryset):
        active = Assignment.objects.active().values("pk")
        if self.value() == "1":
            return queryset.filter(pk__in=active)
        if self.value() == "0":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(ScopedModelAdmin):
    """委员联系安排 across members: filter by place and basis, end assignments in bulk."""

    form = AssignmentAdminForm
    list_display = ("member", "township", "community", "basis", "start_date", "end_date")
    list_filter = (ActiveAssignmentFilter, "basis", ("township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("member__name", "member__name_initials", "township__name", "community__name")
    list_select_related = ("member", "township", "community")
    raw_id_fields = ("member",)
    date_hierarchy = "start_date"
    actions = ["end_today"]
    readonly_fields = AUDIT_FIELDS

    @admin.action(description="结束所选联系安排（今天）", permissions=["change"])
    def end_today(self, request, queryset):
        from . import services

        ended = 0
        for a in queryset.filter(end_date__isnull=True):
            try:
                services.assignment_end(assignment=a, by=request.user)
                ended += 1
            except DomainError as exc:
                self.message_user(request, f"{a}：{exc.message}", messages.ERROR)
        self.message_user(request, f"已结束 {ended} 条联系安排。", messages.SUCCESS)


# --- Coverage page (an index entry of its own) ------------------------------------------------------

@admin.register(CoverageReport)
class CoverageReportAdmin(ScopedModelAdmin):
    """联系覆盖情况: townships with active member counts and communities with no member (read only)."""

    writable_by = NOBODY

    def get_urls(self):
        return [path("", self.admin_site.admin_view(self.changelist_view), name="members_coveragereport_changelist")]

    def changelist_view(self, request, extra_context=None):
        s = user_scope(request.user)
        committees = list(Committee.objects.visible_to(request.user).filter(townships__isnull=False).distinct()
                          .values_list("pk", "name"))
        ids = None if s.is_superuser else set(s.committee_ids)
        chosen = request.GET.get("committee", "")
        if chosen.isdigit() and int(chosen) in {pk for pk, _ in committees}:
            ids = {int(chosen)}
        summary = selectors.coverage_summary(ids)
        context = {
            **self.admin_site.each_context(request),
            "title": "联系覆盖情况（就近就便全覆盖）",
            "opts": self.model._meta,
            "summary": summary,
            "committees": committees,
            "chosen": chosen,
            # Above county level: one row per committee first; townships once a committee is chosen.
            "rollup": len(summary["committees"]) > 1,
            "member_changelist": reverse("admin:members_member_changelist"),
        }
        return TemplateResponse(request, "admin/members/coverage.html", context)


# --- Roster import ------------------------------------------------------------------------------------

@admin.register(RosterImport)
class RosterImportAdmin(ScopedModelAdmin):
    """花名册导入: add = upload; change = progress, preview and confirm."""

    list_display = ("file_name", "committee", "status", "total", "imported_count", "created_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("committee", "created_by")

    def has_module_permission(self, request):
        return user_scope(request.user).can_manage

    def has_view_permission(self, request, obj=None):
        return user_scope(request.user).can_manage

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("template/", view(self.template_view), name="members_rosterimport_template"),
            path("<id:pk>/step/", view(require_POST(self.step_view)), name="members_rosterimport_step"),
            path("<id:pk>/confirm/", view(require_POST(self.confirm_view)), name="members_rosterimport_confirm"),
            *super().get_urls(),
        ]

    def _context(self, request, **kw):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **kw}

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        s = user_scope(request.user)
        form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user,
                                default_committee_id=s.committee_id)
        if request.method == "POST" and form.is_valid():
            f = form.cleaned_data["file"]
            try:
                job = imports.roster_upload(committee=form.cleaned_data["committee"], fileobj=f, file_name=f.name,
                                            by=request.user)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return HttpResponseRedirect(reverse("admin:members_rosterimport_change", args=[job.pk]))
        return TemplateResponse(request, "admin/members/rosterimport/upload.html",
                                self._context(request, title="导入委员花名册", form=form))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        if not self.has_view_permission(request, job):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if job.status == RosterImport.Status.VALIDATING and request.GET.get("step") == "1":
            job = imports.roster_validate_step(job=job)  # no-JS fallback: one chunk per click
        preview = []
        if job.status in (RosterImport.Status.READY, RosterImport.Status.INVALID):
            bad = {e["row"] for e in job.errors}
            preview = [{"row": r["row"], "bad": r["row"] in bad, **r["values"]} for r in job.rows[:200]]
        return TemplateResponse(request, "admin/members/rosterimport/detail.html", self._context(
            request, title=f"导入委员花名册：{job.file_name}", job=job, preview=preview,
            columns=imports.COLUMNS, more=max(0, len(job.rows) - 200)))

    def step_view(self, request, pk):
        job = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=pk)
        job = imports.roster_validate_step(job=job)
        return JsonResponse({"status": job.status, "processed": job.processed, "total": job.total,
                             "percent": job.percent, "errors": len(job.errors)})

    def confirm_view(self, request, pk):
        job = get_object_or_404(RosterImport.objects.visible_to(request.user), pk=pk)
        try:
            job = imports.roster_import(job=job, by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            if job.status == RosterImport.Status.IMPORTED:
                self.message_user(request, f"已导入 {job.imported_count} 名委员。", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:members_member_changelist"))
            self.message_user(request, f"有 {len(job.errors)} 行数据有误，未导入任何数据。", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:members_rosterimport_change", args=[job.pk]))

    def template_view(self, request):
        if not self.has_add_permission(request):  # staff's tool, as the import itself
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        s = user_scope(request.user)
        committee = Committee.objects.visible_to(request.user).filter(pk=request.GET.get("committee") or s.committee_id).first()
        return _xlsx_response(imports.roster_template(committee), "委员花名册导入模板.xlsx")


# --- Points -------------------------------------------------------------------------------------------

@admin.register(PointRule)
class PointRuleAdmin(GlobalTableAdmin):
    """One points table for every committee: the office reads it, superusers change it."""
    list_display = ("code", "name", "points", "is_active")
    list_editable = ("points", "is_active")
    search_fields = ("code", "name")


@admin.register(PointEntry)
class PointEntryAdmin(ScopedModelAdmin):
    list_display = ("member", "rule", "points", "occurred_on", "note")
    list_filter = ("rule", "occurred_on")
    search_fields = ("member__name", "member__name_initials")
    list_select_related = ("member", "rule")
    date_hierarchy = "occurred_on"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Logins: the user admin with the Profile and the roles (groups) ------------------------------------

class ProfileInline(ScopedStackedInline):
    model = Profile
    can_delete = False
    fields = ("committee", "handling_unit")
    verbose_name = verbose_name_plural = "所属政协 / 承办单位"


class PortalUserAdmin(ScopedModelAdmin, UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "role_names", "profile_committee", "profile_unit", "is_active")
    list_select_related = ("portal_profile__committee", "portal_profile__handling_unit")
    list_filter = ("groups", "is_active", "is_staff")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def scope_queryset(self, request, qs):
        """Logins of people working in the user's committee tree; superusers' only for superusers."""
        from core.querysets import users_in_scope_q

        s = user_scope(request.user)
        if s.is_superuser:
            return qs
        if not s.is_office:
            return qs.none()
        return qs.filter(users_in_scope_q(s)).exclude(is_superuser=True)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "user_permissions", "last_login", "date_joined")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        s = user_scope(request.user)
        if not change and not request.user.is_superuser and s.committee_id:
            # A login created by committee staff belongs to that committee (and stays in their scope).
            Profile.objects.get_or_create(user=form.instance, defaults={"committee_id": s.committee_id})

    @admin.display(description="角色")
    def role_names(self, obj):
        from core.scoping import Role

        return "、".join(Role.LABELS.get(g.name, g.name) for g in obj.groups.all()) or "—"

    @admin.display(description="所属政协")
    def profile_committee(self, obj):
        p = getattr(obj, "portal_profile", None)
        return p.committee if p and p.committee_id else "—"

    @admin.display(description="承办单位")
    def profile_unit(self, obj):
        p = getattr(obj, "portal_profile", None)
        return p.handling_unit if p and p.handling_unit_id else "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
