"""Admin of the shared tables. Deadline policies, the calendar and the roles are global: the office
reads them, superusers (who own them) change them. The timeline and the outbox are append-only.
Django's and DRF's own registrations (groups, API tokens) are replaced by ones on the scoped base, so
every entry of the admin goes through ``core.admin_base``."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from rest_framework.authtoken import admin as authtoken_admin
from rest_framework.authtoken.models import TokenProxy

from .admin_base import SUPERUSER, GlobalTableAdmin, ReadOnlyAdmin, ScopedModelAdmin
from .models import CalendarDay, DeadlinePolicy, Notification, OutboxMessage, StateChange


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(GlobalTableAdmin):
    list_display = ("code", "name", "days", "day_kind")
    list_editable = ("days", "day_kind")


@admin.register(CalendarDay)
class CalendarDayAdmin(GlobalTableAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    """Notifications of the people in the user's committee tree; written by the sweeps and services."""

    list_display = ("title", "recipient", "stage", "day", "read_at", "emailed_at")
    list_filter = ("stage",)
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)
    writable_by = SUPERUSER


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Operations table: superusers only, and never edited by hand (the relay owns it)."""

    list_display = ("task_name", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("task_name",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    viewable_by = SUPERUSER
    global_table = True


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdmin):
    """Timeline rows, scoped through their item; nobody edits or deletes history."""

    list_display = ("code", "from_state", "to_state", "actor", "at")
    list_filter = ("code",)
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in StateChange._meta.fields]


for _model in (Group, TokenProxy):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Group)
class RoleGroupAdmin(GlobalTableAdmin, GroupAdmin):
    """The roles (groups): read by the office, defined by superusers."""


@admin.register(TokenProxy)
class TokenAdmin(ScopedModelAdmin, authtoken_admin.TokenAdmin):
    """API tokens are credentials: superusers only."""

    viewable_by = SUPERUSER
    writable_by = SUPERUSER
    global_table = True
