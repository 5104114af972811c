"""The contact list and the contact's card."""

from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.calls.queries import calls_visible_to
from zvonar.crm.filtersets import ContactFilterSet
from zvonar.crm.queries import contacts_visible_to, is_blacklisted
from zvonar.crm.tables import ContactTable
from zvonar.tasks.queries import tasks_visible_to


class ContactListView(SectionRequiredMixin, SingleTableMixin, FilterView):
    section = SectionChoices.CONTACTS
    template_name = "crm/contact_list.html"
    table_class = ContactTable
    filterset_class = ContactFilterSet
    paginate_by = 50

    def get_queryset(self):
        return (
            contacts_visible_to(self.request.user)
            .select_related("category", "responsible")
            .prefetch_related("phones")
        )

    def get_table_kwargs(self):
        return {"user": self.request.user}


class ContactDetailView(SectionRequiredMixin, DetailView):
    section = SectionChoices.CONTACTS
    template_name = "crm/contact_detail.html"
    context_object_name = "contact"

    def get_queryset(self):
        return contacts_visible_to(self.request.user).select_related(
            "category", "responsible", "company"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = self.object
        user = self.request.user
        phones = list(contact.phones.all())
        for phone in phones:
            phone.blacklisted = is_blacklisted(phone.number)
        context.update(
            phones=phones,
            calls=calls_visible_to(user)
            .filter(contact=contact)
            .select_related("operator", "result", "project")[:50],
            tasks=tasks_visible_to(user).filter(contact=contact).select_related("assignee"),
            leads=contact.leads.select_related("project", "last_result"),
        )
        return context
