"""Choices of projects, leads and call results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class DialModeChoices(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    PROGRESSIVE = "progressive", _("Progressive")
    POWER = "power", _("Power")
    PREDICTIVE = "predictive", _("Predictive")


class MembershipRoleChoices(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    OPERATOR = "operator", _("Operator")


class ResultClassChoices(models.TextChoices):
    SUCCESS = "success", _("Success")
    REFUSAL = "refusal", _("Refusal")
    CALLBACK = "callback", _("Callback")
    NO_CONTACT = "no_contact", _("No contact")


class RetryCauseChoices(models.TextChoices):
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    FAILED = "failed", _("Failed")
    MACHINE = "machine", _("Answering machine")
    ABANDONED = "abandoned", _("Abandoned")


class LeadStateChoices(models.TextChoices):
    NEW = "new", _("New")
    PREVIEW = "preview", _("Previewed by an operator")
    IN_CALL = "in_call", _("In a call")
    RETRY = "retry", _("Waiting for retry")
    CALLBACK = "callback", _("Callback scheduled")
    DONE = "done", _("Done")
    EXHAUSTED = "exhausted", _("Attempts exhausted")
    EXCLUDED = "excluded", _("Excluded")


class QuestionTypeChoices(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SINGLE_CHOICE = "single_choice", _("One answer")
    MULTIPLE_CHOICE = "multiple_choice", _("Several answers")
    YES_NO = "yes_no", _("Yes or no")


class QuestionnaireStatusChoices(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    POSTPONED = "postponed", _("Postponed")
    REFUSED = "refused", _("Refused")


class MessageChannelChoices(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class KpiMetricChoices(models.TextChoices):
    CALLS = "calls", _("Calls")
    ANSWERED_CALLS = "answered_calls", _("Answered calls")
    SUCCESSFUL_RESULTS = "successful_results", _("Successful results")
    TALK_MINUTES = "talk_minutes", _("Talk minutes")
    CONVERSION = "conversion", _("Conversion, %")


class KpiPeriodChoices(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
