"""What every page's header needs: the sections the user may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zvonar.accounts.choices import SectionChoices


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from zvonar.campaigns.queries import is_supervisor

    items = []
    if user.may_open(SectionChoices.WORKPLACE):
        items.append(("workplace", _("Workplace"), reverse("workplace:home")))
    if is_supervisor(user) and user.may_open(SectionChoices.DASHBOARD):
        items.append(("dashboard", _("Dashboard"), reverse("monitoring:dashboard")))
    if user.may_open(SectionChoices.CONTACTS):
        items.append(("contacts", _("Contacts"), reverse("crm:contact_list")))
    if user.may_open(SectionChoices.CALLS):
        items.append(("calls", _("Calls"), reverse("calls:call_list")))
    if user.is_staff:
        items.append(("admin", _("Administration"), reverse("admin:index")))
    return {"navigation": items}
