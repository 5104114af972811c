"""Filters of the contact list: the quick search and the extended search."""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.fields.json import KT
from django.utils.translation import gettext_lazy as _

from zvonar.crm.lookups import ContactNameText
from zvonar.crm.models import CardField, Category, Contact, Email, Phone, Tag
from zvonar.crm.phones import InvalidPhone, normalize_phone


def phone_condition(value: str) -> Q | None:
    """Contacts with this number written in any form; for a partial number, its last digits."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 4:
        return None
    try:
        numbers = Phone.objects.filter(number=normalize_phone(value, with_region=False).e164)
    except InvalidPhone:
        numbers = Phone.objects.filter(number__endswith=digits)
    return Q(pk__in=numbers.values("contact_id"))


def looks_like_phone(value: str) -> bool:
    return not any(ch.isalpha() for ch in value) and sum(ch.isdigit() for ch in value) >= 4


def custom_field_choices():
    return [
        (code, label)
        for code, label in CardField.objects.order_by("label").values_list("code", "label")
    ]


def user_choices():
    from zvonar.accounts.models import User

    return User.objects.filter(is_active=True).order_by("username")


def last_result_choices():
    from zvonar.campaigns.models import CallResult

    return CallResult.objects.select_related("project").order_by("project__name", "name")


class ContactFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    name = django_filters.CharFilter(label=_("Name"), method="search_name")
    phone = django_filters.CharFilter(label=_("Phone"), method="search_phone")
    company = django_filters.CharFilter(
        label=_("Company"), field_name="company_name", lookup_expr="ucontains"
    )
    address = django_filters.CharFilter(label=_("Address"), method="search_address")
    email = django_filters.CharFilter(label=_("E-mail"), method="search_email")
    field = django_filters.ChoiceFilter(
        label=_("Custom field"), choices=custom_field_choices, method="search_nothing"
    )
    field_value = django_filters.CharFilter(label=_("Value"), method="search_custom_field")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all()
    )
    tags = django_filters.ModelMultipleChoiceFilter(label=_("Tags"), queryset=Tag.objects.all())
    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible"), queryset=lambda request: user_choices()
    )
    last_result = django_filters.ModelChoiceFilter(
        label=_("Last result"),
        queryset=lambda request: last_result_choices(),
        method="search_last_result",
    )
    created = django_filters.DateFromToRangeFilter(
        label=_("Created"),
        field_name="created_at",
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    updated = django_filters.DateFromToRangeFilter(
        label=_("Updated"),
        field_name="updated_at",
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    mine = django_filters.BooleanFilter(
        label=_("My contacts"), method="search_mine", widget=forms.CheckboxInput
    )

    # Text searches list the newest contacts first (the user may still sort by a column): an
    # alphabetical first page of a frequent name means fetching and sorting every match, and
    # the matches of one surname sit together in name order, so walking it is no shortcut.
    TEXT_SEARCHES = ("q", "name", "company", "address", "email", "field_value")

    class Meta:
        model = Contact
        fields = ["q", "kind", "category", "tags"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if any(self.form.cleaned_data.get(name) for name in self.TEXT_SEARCHES):
            queryset = queryset.order_by("-pk")
        return queryset

    def search(self, queryset, name, value):
        """A phone in any written form or its last digits; else name, company, address, e-mail."""
        value = value.strip()
        if not value:
            return queryset
        if looks_like_phone(value):
            return queryset.filter(phone_condition(value))
        return queryset.alias(name_text=ContactNameText()).filter(
            Q(name_text__ucontains=value)
            | Q(address__ucontains=value)
            | Q(city__ucontains=value)
            | Q(pk__in=Email.objects.filter(address__ucontains=value).values("contact_id"))
        )

    def search_name(self, queryset, name, value):
        # Every word must appear in one of the name fields: "Петров Пётр" finds Пётр Петров.
        queryset = queryset.alias(name_text=ContactNameText())
        for word in value.split():
            queryset = queryset.filter(name_text__ucontains=word)
        return queryset

    def search_phone(self, queryset, name, value):
        condition = phone_condition(value)
        return queryset.filter(condition) if condition is not None else queryset.none()

    def search_address(self, queryset, name, value):
        return queryset.filter(Q(address__ucontains=value) | Q(city__ucontains=value))

    def search_email(self, queryset, name, value):
        emails = Email.objects.filter(address__ucontains=value.strip())
        return queryset.filter(pk__in=emails.values("contact_id"))

    def search_nothing(self, queryset, name, value):
        return queryset

    def search_custom_field(self, queryset, name, value):
        code = self.form.cleaned_data.get("field")
        if not code or not value:
            return queryset
        return queryset.alias(custom_value=KT(f"custom_fields__{code}")).filter(
            custom_value__ucontains=value
        )

    def search_last_result(self, queryset, name, value):
        return queryset.filter(leads__last_result=value).distinct()

    def search_mine(self, queryset, name, value):
        if not value or self.request is None:
            return queryset
        return queryset.filter(responsible=self.request.user)
