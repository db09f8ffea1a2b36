"""The one admin base every registered model uses (SPEC section 5).

- Rows: ``Model.objects.office_scope(user)``, the rows whose committee is in the user's committee
  tree (no public or own-member extras: the admin is the office's tool). Superusers see everything.
- Objects outside that scope answer 404 on the change, delete and history pages.
- Foreign-key and many-to-many choices come from the same scope, so nothing can point at another
  committee's rows; plain foreign-key list filters only offer values that occur in the user's rows.
- Roles: staff (and superusers) change, leaders only read, nobody else sees the admin. Global tables
  (deadline policies, the calendar, counters…) are read by the office and written by superusers
  only; ``writable_by = NOBODY`` keeps timeline and outbox rows read-only for everyone.
- State fields (status, step, numbers, due dates, workflow timestamps) are read-only everywhere,
  inlines included: they change only through the workflow actions, which call the app's services.
- Every action declares its permission (``@admin.action(permissions=[...])``); an action without one
  is dropped, and the bulk delete is offered to superusers only.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

from .scoping import Role, user_scope

OFFICE = "office"          # staff and leaders of the committee tree (leaders read only)
STAFF = "staff"            # staff of the committee tree (and superusers)
SUPERUSER = "superuser"    # superusers only
NOBODY = "nobody"          # not even superusers (append-only tables)

# Fields that only the workflow engine and the services write.
STATE_FIELD_NAMES = frozenset({
    "status", "step", "state", "outcome", "number", "round", "due_at", "due_stage", "due_explanation",
    "is_published", "public_code", "tracking_code", "idempotency_key", "client_hash",
})


def state_field_names(model) -> list[str]:
    """The editable fields of ``model`` that belong to its workflow: the names above, every
    ``…_at`` timestamp and every ``…_due_at`` date."""
    names = []
    for f in model._meta.concrete_fields:
        if not f.editable:
            continue
        if f.name in STATE_FIELD_NAMES or (isinstance(f, models.DateTimeField) and f.name.endswith("_at")):
            names.append(f.name)
    return names


def _role_allows(request, who: str) -> bool:
    s = user_scope(request.user)
    if who == OFFICE:
        return s.is_office
    if who == STAFF:
        return s.can_manage
    if who == SUPERUSER:
        return s.is_superuser
    return False


def choices_queryset(model, user):
    """The rows of ``model`` a form field of the admin may offer ``user``."""
    qs = model._default_manager.all()
    if user_scope(user).is_superuser:
        return qs
    if hasattr(qs, "office_scope"):
        return qs.office_scope(user)
    if model is get_user_model():
        from .querysets import users_in_scope_q

        return qs.filter(users_in_scope_q(user_scope(user)))
    if model._meta.label == "auth.Group":
        return qs.filter(name__in=Role.ALL)
    if hasattr(qs, "visible_to"):
        return qs.visible_to(user)
    return qs  # shared reference tables (content types, deadline policies, the calendar)


class ScopedPermissions:
    """Role-based permissions shared by ModelAdmins and inlines."""

    viewable_by = OFFICE
    writable_by = STAFF
    # Global tables: no committee of their own; the office reads, superusers write.
    global_table = False

    def _writable(self, request) -> bool:
        return _role_allows(request, SUPERUSER if self.global_table and self.writable_by == STAFF else self.writable_by)

    def has_module_permission(self, request):
        return _role_allows(request, self.viewable_by)

    def has_view_permission(self, request, obj=None):
        return _role_allows(request, self.viewable_by)

    def has_add_permission(self, request, *args):
        return self._writable(request)

    def has_change_permission(self, request, obj=None):
        return self._writable(request)

    def has_delete_permission(self, request, obj=None):
        return self._writable(request)


class ScopedFields:
    """Scoped foreign-key and many-to-many choices; state fields read-only."""

    #: extra fields of this model that only the workflow writes
    state_fields: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = choices_queryset(db_field.remote_field.model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = choices_queryset(db_field.remote_field.model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        for name in (*state_field_names(self.model), *self.state_fields):
            if name not in fields:
                fields.append(name)
        return fields

    def _stamp(self, obj, request):
        if hasattr(obj, "stamp"):
            obj.stamp(request.user)


class ScopedModelAdmin(ScopedPermissions, ScopedFields, admin.ModelAdmin):
    """Base of every registered ModelAdmin (see the module docstring)."""

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def scope_queryset(self, request, qs):
        """The user's rows: everything for superusers; the office scope for office users; nothing
        else. A model without ``office_scope`` must be a global table or override this."""
        s = user_scope(request.user)
        if s.is_superuser:
            return qs
        if not _role_allows(request, self.viewable_by):
            return qs.none()
        if self.global_table:
            return qs
        if not hasattr(qs, "office_scope"):
            raise ImproperlyConfigured(
                f"{self.model._meta.label}: give its queryset office_scope(user) (core.scoping.OfficeScopeMixin) "
                "or mark the admin global_table")
        return qs.office_scope(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在。")
        return obj

    def get_list_filter(self, request):
        """Plain foreign-key filters offer only the values that occur in the user's rows."""
        out = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                try:
                    field = self.model._meta.get_field(item)
                except Exception:  # a method or a non-field filter: leave it as it is
                    field = None
                if field is not None and field.is_relation and field.many_to_one:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            out.append(item)
        return out

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, (func, *_rest) in list(actions.items()):
            if not getattr(func, "allowed_permissions", None):
                del actions[name]  # an action must say which permission it needs
        if "delete_selected" in actions and not request.user.is_superuser:
            del actions["delete_selected"]  # bulk deletes skip each object's services; one at a time
        return actions

    def changelist_view(self, request, extra_context=None):
        # An action the user is not offered is a refusal (403), not Django's "no action selected".
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        committee_id = user_scope(request.user).committee_id
        field_names = {f.name for f in self.model._meta.get_fields()}
        if committee_id and "committee" in field_names:
            initial.setdefault("committee", committee_id)
        return initial

    def save_model(self, request, obj, form, change):
        self._stamp(obj, request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            self._stamp(obj, request)
            obj.save()
        formset.save_m2m()


class ScopedInlineMixin(ScopedPermissions, ScopedFields):
    """Base of every inline: rows belong to an object already in scope; choices, roles and state
    fields as for the ModelAdmin."""

    extra = 0


class ScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass


ScopedInline = ScopedTabularInline


class GlobalTableAdmin(ScopedModelAdmin):
    """Tables every committee shares (deadline policies, the calendar, point rules, roles): the office
    reads them, superusers (who own them) write."""

    global_table = True


class ReadOnlyAdmin(ScopedModelAdmin):
    """Append-only records (the timeline, the outbox): nobody adds, changes or deletes them here."""

    writable_by = NOBODY
