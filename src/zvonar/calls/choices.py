"""Choices of call records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallDirectionChoices(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")
    INTERNAL = "internal", _("Internal")


class CallStateChoices(models.TextChoices):
    CREATED = "created", _("Created")
    DIALING = "dialing", _("Dialing")
    RINGING = "ringing", _("Ringing")
    ANSWERED_HUMAN = "answered_human", _("Answered by a person")
    ANSWERED_MACHINE = "answered_machine", _("Answering machine")
    WAITING_FOR_OPERATOR = "waiting", _("Waiting for an operator")
    CONNECTED = "connected", _("Connected")
    ABANDONED = "abandoned", _("Abandoned")
    ENDED = "ended", _("Ended")


OPEN_CALL_STATES = frozenset(
    {
        CallStateChoices.CREATED,
        CallStateChoices.DIALING,
        CallStateChoices.RINGING,
        CallStateChoices.ANSWERED_HUMAN,
        CallStateChoices.ANSWERED_MACHINE,
        CallStateChoices.WAITING_FOR_OPERATOR,
        CallStateChoices.CONNECTED,
    }
)


class HangupCauseChoices(models.TextChoices):
    NORMAL = "normal", _("Normal clearing")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    INVALID_NUMBER = "invalid_number", _("Invalid number")
    FAILED = "failed", _("Failed")
    MACHINE = "machine", _("Answering machine")
    ABANDONED = "abandoned", _("Abandoned")
    CLIENT_HANGUP = "client_hangup", _("Client hung up")
    OPERATOR_HANGUP = "operator_hangup", _("Operator hung up")
    CANCELLED = "cancelled", _("Cancelled")
    LOST = "lost", _("Lost in a restart")
