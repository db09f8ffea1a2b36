from django.contrib import admin

from .models import CalendarDay, DeadlinePolicy, Notification, OutboxMessage, StateChange


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "days", "day_kind")
    list_editable = ("days", "day_kind")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "stage", "day", "read_at", "emailed_at")
    list_filter = ("stage",)
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("task_name", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("task_name",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(StateChange)
class StateChangeAdmin(admin.ModelAdmin):
    list_display = ("code", "from_state", "to_state", "actor", "at")
    list_filter = ("code",)
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in StateChange._meta.fields]
