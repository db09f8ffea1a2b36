"""Admin building blocks every app can reuse: scoped querysets (404 outside scope), role-based
permissions (staff change, leaders read) and audit stamping on every save."""

from __future__ import annotations

from django.http import Http404

from core.scoping import user_scope


def _scoped(qs, user):
    return qs.visible_to(user) if hasattr(qs, "visible_to") else qs


class RolePermissionsMixin:
    """Office staff (and superusers) change; leaders only read; nobody else sees the model."""

    def has_module_permission(self, request):
        return user_scope(request.user).is_office

    def has_view_permission(self, request, obj=None):
        return user_scope(request.user).is_office

    def has_add_permission(self, request, *args):
        return user_scope(request.user).can_manage

    def has_change_permission(self, request, obj=None):
        return user_scope(request.user).can_manage

    def has_delete_permission(self, request, obj=None):
        return user_scope(request.user).can_manage


class ScopedFormfieldsMixin:
    """Foreign-key choices come from ``visible_to(user)``: nobody can point at another committee's rows."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            qs = db_field.remote_field.model._default_manager.all()
            if hasattr(qs, "visible_to"):
                kwargs["queryset"] = qs.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdminMixin(RolePermissionsMixin, ScopedFormfieldsMixin):
    """For ModelAdmins: rows come from ``Model.objects.visible_to(user)``; an object outside the
    user's scope answers 404 on the change, delete and history pages (not a redirect that reveals
    nothing but still differs from a missing id); every save stamps created_by/updated_by."""

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在。")
        return obj

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        committee_id = user_scope(request.user).committee_id
        field_names = {f.name for f in self.model._meta.get_fields()}
        if committee_id and "committee" in field_names:
            initial.setdefault("committee", committee_id)
        return initial

    def save_model(self, request, obj, form, change):
        if hasattr(obj, "stamp"):
            obj.stamp(request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if hasattr(obj, "stamp"):
                obj.stamp(request.user)
            obj.save()
        formset.save_m2m()


class ScopedInlineMixin(RolePermissionsMixin, ScopedFormfieldsMixin):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return user_scope(request.user).can_manage
