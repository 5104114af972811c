"""Tables of the contact base."""

from functools import cached_property

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from zvonar.crm.display import phone_for
from zvonar.crm.models import Contact, UserTablePreference

DEFAULT_COLUMNS = ["name", "kind", "phone", "city", "category", "responsible", "created_at"]


def chosen_columns(user) -> list[str]:
    preference = UserTablePreference.objects.filter(user=user, table="contacts").first()
    return preference.columns if preference else DEFAULT_COLUMNS


class CappedPaginator(Paginator):
    """Pages of a list whose count stops at `cap`: past it the list says "10 000+".

    Counting every contact a frequent name matches in a base of a million costs seconds and
    tells the user nothing a refined search would not; the pages past the cap are not offered.
    `count` is given when the caller has counted already (`narrow_to_matches`)."""

    cap = 10_000

    def __init__(self, object_list, per_page, *args, count=None, **kwargs):
        self.known_count = count
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def count(self) -> int:
        if self.known_count is None:
            return super().count
        return self.known_count

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return self.cap // self.per_page
        return super().num_pages


def narrow_to_matches(queryset: QuerySet, base: QuerySet) -> tuple[QuerySet, int]:
    """The queryset to page a list from, and how many contacts it holds (`cap + 1`: more).

    The matches' ids are read once, in no order, so PostgreSQL finds them through the
    search's index. When there are at most `cap` of them, the pages are read by those ids from
    `base` in the list's order. Why: the database's guess of how many contacts a text search
    matches is often off by 20 times, and when it guesses too many it walks the list's order
    (newest first) through a hundred thousand contacts to find 50 (a rare surname among a
    million: 130 ms for the page, against 4 ms for its 392 ids; `bench/import.py`). Past the cap
    the matches are dense enough for that walk to be short."""
    cap = CappedPaginator.cap
    ids = list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(ids) > cap:
        return queryset, cap + 1
    paged = base.filter(pk__any_of=ids)
    if queryset.query.order_by or not queryset.query.default_ordering:
        paged = paged.order_by(*queryset.query.order_by)
    return paged, len(ids)


class ContactTable(tables.Table):
    selection = tables.CheckBoxColumn(
        accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}}
    )
    name = tables.Column(
        verbose_name=_("Name"),
        accessor="display_name",
        linkify=("crm:contact_detail", {"pk": tables.A("pk")}),
        order_by=("last_name", "first_name", "company_name"),
    )
    phone = tables.Column(verbose_name=_("Phone"), empty_values=(), orderable=False)
    company_name = tables.Column(verbose_name=_("Company"))
    position = tables.Column(verbose_name=_("Position"))
    address = tables.Column(verbose_name=_("Address"))
    category = tables.Column(verbose_name=_("Category"))
    responsible = tables.Column(verbose_name=_("Responsible"))
    city = tables.Column(verbose_name=_("City"))
    tags = tables.Column(verbose_name=_("Tags"), empty_values=(), orderable=False)
    source = tables.Column(verbose_name=_("Source"))
    updated_at = tables.DateTimeColumn(verbose_name=_("Updated"), format="d.m.Y H:i")
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="d.m.Y H:i")

    class Meta:
        model = Contact
        fields = (
            "selection",
            "name",
            "kind",
            "phone",
            "company_name",
            "position",
            "address",
            "city",
            "category",
            "responsible",
            "tags",
            "source",
            "created_at",
            "updated_at",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "contact-table"}

    def __init__(self, *args, user=None, columns=None, **kwargs):
        self.user = user
        if columns is not None:
            chosen = set(columns) | {"selection"}
            kwargs["exclude"] = [name for name in self.base_columns if name not in chosen]
        super().__init__(*args, **kwargs)

    @classmethod
    def column_choices(cls) -> list[tuple[str, str]]:
        return [
            (name, column.verbose_name or name)
            for name, column in cls.base_columns.items()
            if name != "selection"
        ]

    def render_phone(self, record):
        phone = record.primary_phone
        return phone_for(self.user, phone.number) if phone else "—"

    def render_city(self, record, value):
        return self._editable(record, "city", value)

    def render_address(self, record, value):
        return self._editable(record, "address", value)

    def render_position(self, record, value):
        return self._editable(record, "position", value)

    def render_company_name(self, record, value):
        return self._editable(record, "company_name", value)

    def _editable(self, record, field, value):
        from zvonar.crm.services import may_edit_contact

        if self.user is None or not may_edit_contact(self.user):
            return value
        return render_to_string(
            "crm/inline_cell.html", {"contact": record, "field": field, "value": value}
        )

    def render_tags(self, record):
        return ", ".join(tag.name for tag in record.tags.all()) or "—"


class DeletedContactTable(tables.Table):
    selection = tables.CheckBoxColumn(accessor="pk")
    name = tables.Column(verbose_name=_("Name"), accessor="display_name", orderable=False)
    phone = tables.Column(verbose_name=_("Phone"), empty_values=(), orderable=False)
    deleted_at = tables.DateTimeColumn(verbose_name=_("Deleted"), format="d.m.Y H:i")

    class Meta:
        model = Contact
        fields = ("selection", "name", "phone", "deleted_at")
        attrs = {"class": "table table-sm align-middle"}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def render_phone(self, record):
        phone = record.primary_phone
        return phone_for(self.user, phone.number) if phone else "—"
