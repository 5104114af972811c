"""Dialer app configuration: the engine's Django side (leases); the core stays framework-free."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialerConfig(AppConfig):
    name = "zvonar.dialer"
    verbose_name = _("Dialer")
