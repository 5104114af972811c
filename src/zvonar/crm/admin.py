"""Admin of the contact base."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zvonar.crm.models import (
    BlacklistEntry,
    CardField,
    CardTemplate,
    Category,
    Contact,
    ContactMergeLog,
    Email,
    ImportJob,
    Phone,
    Tag,
)
from zvonar.crm.phones import format_phone, normalize_phone


class PhoneForm(forms.ModelForm):
    """Accepts a number written any common way and stores it as E.164 with its time zone."""

    class Meta:
        model = Phone
        fields = ["number", "kind", "is_primary", "comment"]

    def clean_number(self):
        normalized = normalize_phone(self.cleaned_data["number"])
        self.instance.country = normalized.country
        self.instance.time_zone = normalized.time_zone
        self.instance.time_zone_exact = normalized.time_zone_exact
        return normalized.e164


class PhoneInline(admin.TabularInline):
    model = Phone
    form = PhoneForm
    extra = 1
    readonly_fields = ["time_zone", "region"]
    fields = ["number", "kind", "is_primary", "time_zone", "region", "comment"]


class EmailInline(admin.TabularInline):
    model = Email
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "category", "responsible", "city", "created_at"]
    list_filter = ["kind", "category", "tags"]
    search_fields = ["last_name", "first_name", "company_name", "phones__number", "emails__address"]
    autocomplete_fields = ["company", "responsible"]
    filter_horizontal = ["tags"]
    inlines = [PhoneInline, EmailInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at=None)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "color"]
    search_fields = ["name"]


class CardFieldInline(admin.TabularInline):
    model = CardField
    extra = 1


@admin.register(CardTemplate)
class CardTemplateAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [CardFieldInline]


class BlacklistEntryForm(forms.ModelForm):
    class Meta:
        model = BlacklistEntry
        fields = ["number", "project", "reason"]

    def clean_number(self):
        return normalize_phone(self.cleaned_data["number"]).e164


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin):
    form = BlacklistEntryForm
    list_display = ["written_number", "project", "reason", "created_by", "created_at", "removed_at"]
    list_filter = ["project"]
    search_fields = ["number", "reason"]

    @admin.display(description=_("number"), ordering="number")
    def written_number(self, entry):
        return format_phone(entry.number)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        try:
            obj.validate_constraints()
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return
        super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "status", "created", "invalid", "created_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]


@admin.register(ContactMergeLog)
class ContactMergeLogAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merged_by", "merged_at"]
    readonly_fields = [field.name for field in ContactMergeLog._meta.fields]
