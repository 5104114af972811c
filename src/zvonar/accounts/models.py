"""Users with per-user access settings, teams, pause reasons and the operator status log."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zvonar.accounts.choices import OperatorStatusChoices, SectionChoices


class User(AbstractUser):
    """A person who logs in; Admin is global, Supervisor and Operator come per project."""

    email = models.EmailField(_("e-mail"), blank=True)
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("Empty: the browser's language.")
    )
    allowed_sections = models.JSONField(
        _("sections allowed"),
        default=list,
        blank=True,
        help_text=_("Sections this user may open. Empty: every section of their role."),
    )
    visible_categories = models.ManyToManyField(
        "crm.Category",
        verbose_name=_("contact categories visible"),
        blank=True,
        related_name="+",
        help_text=_("Contact categories this user may see. Empty: all categories."),
    )
    may_edit_card = models.BooleanField(_("may edit card fields"), default=True)
    phones_hidden = models.BooleanField(
        _("phone numbers hidden"),
        default=False,
        help_text=_("The numbers never reach this user's browser: not in pages, API or exports."),
    )
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique",
                condition=~models.Q(email=""),
                violation_error_message=_("A user with this e-mail already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.is_superuser

    def may_open(self, section: str) -> bool:
        """Whether the per-user access settings let this user open a section."""
        if self.is_admin or not self.allowed_sections:
            return True
        return section in self.allowed_sections

    def allowed_section_labels(self) -> list[str]:
        return [str(SectionChoices(code).label) for code in self.allowed_sections]


class Team(models.Model):
    """A group of users, e.g. a shift or a sales team."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), blank=True, related_name="teams"
    )
    leader = models.ForeignKey(
        User,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PauseReason(models.Model):
    """An admin-defined reason for a pause: lunch, training, meeting."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    max_minutes = models.PositiveIntegerField(
        _("maximum minutes"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pause reason")
        verbose_name_plural = _("pause reasons")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OperatorStatusLog(models.Model):
    """One stretch of time a user spent in one status; the source of occupancy reports."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="status_log"
    )
    status = models.CharField(_("status"), max_length=20, choices=OperatorStatusChoices.choices)
    reason = models.ForeignKey(
        PauseReason, verbose_name=_("reason"), null=True, blank=True, on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        "campaigns.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("status log entry")
        verbose_name_plural = _("status log")
        ordering = ["-started_at"]
        constraints = [
            # At most one open stretch per user: the current status.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_at=None), name="one_open_status_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_status_display()}"

    @property
    def duration(self):
        return (self.ended_at or timezone.now()) - self.started_at
