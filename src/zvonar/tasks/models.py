"""A task from the card: an automatic callback by the project, or a manual reminder."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zvonar.tasks.choices import TaskKindChoices, TaskStateChoices


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at=None)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Task(models.Model):
    kind = models.CharField(
        _("type"), max_length=10, choices=TaskKindChoices.choices, default=TaskKindChoices.CALLBACK
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    is_auto_callback = models.BooleanField(
        _("automatic callback by the project"),
        default=False,
        help_text=_("The dialer calls the client at the due time and connects the assignee."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    project = models.ForeignKey(
        "campaigns.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    lead = models.ForeignKey(
        "campaigns.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    origin_call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("from call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> str:
        """Done green, overdue red, active black: derived, so it never goes stale."""
        if self.done_at:
            return TaskStateChoices.DONE
        if self.due_at < timezone.now():
            return TaskStateChoices.OVERDUE
        return TaskStateChoices.ACTIVE

    def get_state_display(self) -> str:
        return str(TaskStateChoices(self.state).label)


class Notification(models.Model):
    """A line in a user's notification bell."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=500)
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text
