"""Calls app configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "zvonar.calls"
    verbose_name = _("Calls")
