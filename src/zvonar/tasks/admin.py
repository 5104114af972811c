"""Admin of tasks and notifications."""

from django.contrib import admin

from zvonar.tasks.models import Notification, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "due_at", "is_auto_callback", "assignee", "state", "done_at"]
    list_filter = ["kind", "is_auto_callback"]
    date_hierarchy = "due_at"
    search_fields = ["title", "contact__last_name"]
    raw_id_fields = ["contact", "lead", "origin_call"]
    autocomplete_fields = ["assignee"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    raw_id_fields = ["task"]
