"""Workplace app configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplaceConfig(AppConfig):
    name = "zvonar.workplace"
    verbose_name = _("Workplace")
