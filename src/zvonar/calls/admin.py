"""Admin of call records."""

from django.contrib import admin

from zvonar.calls.models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "direction",
        "number",
        "operator",
        "project",
        "state",
        "hangup_cause",
        "result",
    ]
    list_filter = ["direction", "state", "hangup_cause", "project"]
    date_hierarchy = "created_at"
    search_fields = ["number", "comment"]
    raw_id_fields = ["lead", "contact"]
    autocomplete_fields = ["operator"]
