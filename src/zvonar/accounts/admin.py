"""Admin of users, teams, pause reasons and the status log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from zvonar.accounts.forms import UserAccessForm
from zvonar.accounts.models import OperatorStatusLog, PauseReason, Team, User
from zvonar.campaigns.models import ProjectMembership


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0
    autocomplete_fields = ["project"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAccessForm
    list_display = ["username", "last_name", "first_name", "email", "is_superuser", "is_active"]
    search_fields = ["username", "last_name", "first_name", "email"]
    filter_horizontal = ["visible_categories", "groups", "user_permissions"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("last_name", "first_name", "middle_name", "email", "language")},
        ),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "allowed_sections",
                    "visible_categories",
                    "may_edit_card",
                    "phones_hidden",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "leader"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(PauseReason)
class PauseReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "max_minutes", "is_active", "order"]
    list_editable = ["is_active", "order"]


@admin.register(OperatorStatusLog)
class OperatorStatusLogAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "reason", "project", "started_at", "ended_at"]
    list_filter = ["status", "reason"]
    date_hierarchy = "started_at"
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ["user", "status", "reason", "project", "started_at", "ended_at"]

    def has_add_permission(self, request):
        return False
