"""Which contacts a user may see: the one place the contact base checks permissions."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zvonar.campaigns.choices import MembershipRoleChoices
from zvonar.crm.models import BlacklistEntry, Contact


def contacts_visible_to(user) -> QuerySet[Contact]:
    """Admins see the whole base. Others see the contacts of their projects and their own
    contacts, narrowed to the categories their access settings allow."""
    if not user.is_authenticated:
        return Contact.objects.none()
    contacts = Contact.objects.alive()
    if user.is_admin:
        return contacts
    contacts = contacts.filter(
        Q(leads__project__memberships__user=user) | Q(responsible=user) | Q(created_by=user)
    )
    category_ids = list(user.visible_categories.values_list("pk", flat=True))
    if category_ids:
        contacts = contacts.filter(Q(category__in=category_ids) | Q(category=None))
    return contacts.distinct()


def blacklist_visible_to(user) -> QuerySet[BlacklistEntry]:
    if not user.is_authenticated:
        return BlacklistEntry.objects.none()
    if user.is_admin:
        return BlacklistEntry.objects.active()
    supervised = user.memberships.filter(role=MembershipRoleChoices.SUPERVISOR).values("project")
    return BlacklistEntry.objects.active().filter(Q(project=None) | Q(project__in=supervised))


def access_contact(user, pk) -> Contact:
    return get_object_or_404(contacts_visible_to(user), pk=pk)


def is_blacklisted(number: str, project=None) -> bool:
    """Whether an E.164 number may not be dialed, globally or in this project."""
    entries = BlacklistEntry.objects.active().filter(number=number)
    if project is None:
        return entries.filter(project=None).exists()
    return entries.filter(Q(project=None) | Q(project=project)).exists()
