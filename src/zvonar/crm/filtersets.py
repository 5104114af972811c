"""Filters of the contact list."""

import contextlib

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zvonar.crm.models import Category, Contact, Tag
from zvonar.crm.phones import InvalidPhone, normalize_phone


class ContactFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all()
    )
    tags = django_filters.ModelMultipleChoiceFilter(label=_("Tags"), queryset=Tag.objects.all())

    class Meta:
        model = Contact
        fields = ["q", "kind", "category", "tags"]

    def search(self, queryset, name, value):
        """Name, company, address or e-mail; a phone in any written form or its last digits."""
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(last_name__icontains=value)
            | Q(first_name__icontains=value)
            | Q(company_name__icontains=value)
            | Q(address__icontains=value)
            | Q(emails__address__icontains=value)
        )
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) >= 4:
            with contextlib.suppress(InvalidPhone):
                condition |= Q(phones__number=normalize_phone(value).e164)
            condition |= Q(phones__number__endswith=digits)
        return queryset.filter(condition).distinct()
