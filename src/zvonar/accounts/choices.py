"""Choices of the accounts app: operator statuses and the sections a user may open."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorStatusChoices(models.TextChoices):
    AVAILABLE = "available", _("Available")
    PAUSED = "paused", _("Pause")
    DO_NOT_DISTURB = "do_not_disturb", _("Do not disturb")
    OFFLINE = "offline", _("Offline")
    DIALING = "dialing", _("Dialing")
    INCOMING_RINGING = "incoming_ringing", _("Incoming call")
    TALKING = "talking", _("Talking")
    WRAP_UP = "wrap_up", _("Wrap-up")
    DISCONNECTED = "disconnected", _("Disconnected")
    SUSPENDED = "suspended", _("Suspended")


MANUAL_STATUSES = frozenset(
    {
        OperatorStatusChoices.AVAILABLE,
        OperatorStatusChoices.PAUSED,
        OperatorStatusChoices.DO_NOT_DISTURB,
        OperatorStatusChoices.OFFLINE,
    }
)

# Waiting for work rather than in it: losing the page or logging out takes the operator out of
# distribution from these; during a call or its wrap-up the call goes on and the card waits.
READY_STATUSES = frozenset(
    {
        OperatorStatusChoices.AVAILABLE,
        OperatorStatusChoices.PAUSED,
        OperatorStatusChoices.DO_NOT_DISTURB,
    }
)


class SectionChoices(models.TextChoices):
    WORKPLACE = "workplace", _("Workplace")
    CONTACTS = "contacts", _("Contacts")
    CALLS = "calls", _("Calls")
    TASKS = "tasks", _("Tasks")
    REPORTS = "reports", _("Reports")
    DASHBOARD = "dashboard", _("Dashboard")
