"""Choices of the contact base."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKindChoices(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class PhoneKindChoices(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    WORK = "work", _("Work")
    HOME = "home", _("Home")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Other")


class FieldTypeChoices(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SELECT = "select", _("Select")
    MULTI_SELECT = "multi_select", _("Multiple select")
    CHECKBOX = "checkbox", _("Checkbox")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class ImportStatusChoices(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DuplicatePolicyChoices(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing contact")
    MERGE = "merge", _("Merge into the existing contact (fill empty fields, add phones)")
