"""Choices of tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKindChoices(models.TextChoices):
    CALLBACK = "callback", _("Call back")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Send e-mail")
    OTHER = "other", _("Other")


class TaskStateChoices(models.TextChoices):
    ACTIVE = "active", _("Active")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")
