"""Tables of the contact base."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from zvonar.crm.display import phone_for
from zvonar.crm.models import Contact


class ContactTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"),
        accessor="display_name",
        linkify=("crm:contact_detail", {"pk": tables.A("pk")}),
        order_by=("last_name", "first_name", "company_name"),
    )
    phone = tables.Column(verbose_name=_("Phone"), empty_values=(), orderable=False)
    category = tables.Column(verbose_name=_("Category"))
    responsible = tables.Column(verbose_name=_("Responsible"))
    city = tables.Column(verbose_name=_("City"))

    class Meta:
        model = Contact
        fields = ("name", "kind", "phone", "city", "category", "responsible", "created_at")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def render_phone(self, record):
        phone = record.primary_phone
        return phone_for(self.user, phone.number) if phone else "—"
