"""CRM app configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "zvonar.crm"
    verbose_name = _("Contact base")

    def ready(self) -> None:
        from zvonar.crm import lookups

        lookups.register()
