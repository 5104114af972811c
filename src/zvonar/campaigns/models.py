"""Projects and everything that configures them; leads are contacts inside a project."""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zvonar.campaigns.choices import (
    DialModeChoices,
    KpiMetricChoices,
    KpiPeriodChoices,
    LeadStateChoices,
    MembershipRoleChoices,
    MessageChannelChoices,
    ProjectStatusChoices,
    QuestionnaireStatusChoices,
    QuestionTypeChoices,
    ResultClassChoices,
    RetryCauseChoices,
)


def default_work_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def default_sim_settings() -> dict:
    return {
        "person_answer_rate": 0.3,
        "busy_rate": 0.08,
        "invalid_rate": 0.04,
        "machine_rate": 0.2,
        "talk_mean_seconds": 120,
        "time_to_answer_median_seconds": 7,
    }


class Script(models.Model):
    """A branching conversation script: steps, each offering answers that lead on."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def first_step(self):
        return self.steps.order_by("order", "id").first()


class ScriptStep(models.Model):
    script = models.ForeignKey(
        Script, verbose_name=_("script"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("what the operator says"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("script step")
        verbose_name_plural = _("script steps")
        ordering = ["script", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ScriptAnswer(models.Model):
    """A client's answer at a step; leads to the next step, or ends the script with a result."""

    step = models.ForeignKey(
        ScriptStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.CharField(_("answer"), max_length=255)
    next_step = models.ForeignKey(
        ScriptStep,
        verbose_name=_("next step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_result_name = models.CharField(
        _("suggested result"),
        max_length=100,
        blank=True,
        help_text=_("The name of the call result this answer suggests at the end of the script."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("script answer")
        verbose_name_plural = _("script answers")
        ordering = ["step", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Questionnaire(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.CharField(_("question"), max_length=500)
    question_type = models.CharField(
        _("type"), max_length=20, choices=QuestionTypeChoices.choices, default="text"
    )
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Project(models.Model):
    """A calling project (campaign) and every setting the dialer and the card obey."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProjectStatusChoices.choices,
        default=ProjectStatusChoices.DRAFT,
        db_index=True,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProjectMembership",
        verbose_name=_("members"),
        related_name="projects",
    )
    dial_mode = models.CharField(
        _("dial mode"),
        max_length=12,
        choices=DialModeChoices.choices,
        default=DialModeChoices.PROGRESSIVE,
    )
    power_ratio = models.DecimalField(
        _("power ratio"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("20.00"))],
        help_text=_("Calls per free operator in power mode."),
    )
    max_abandon_rate = models.DecimalField(
        _("abandoned calls limit, %"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("100.00"))],
    )
    abandon_after_seconds = models.DecimalField(
        _("connect within, seconds"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        help_text=_("An answered call not connected to an operator in this time is abandoned."),
    )
    card_template = models.ForeignKey(
        "crm.CardTemplate",
        verbose_name=_("card template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    script = models.ForeignKey(
        Script,
        verbose_name=_("script"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    quick_comments = models.JSONField(_("quick comment variants"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    work_days = models.JSONField(
        _("working days"), default=default_work_days, help_text=_("0 is Monday, 6 is Sunday.")
    )
    work_start = models.TimeField(_("working hours from"), default=time(9, 0))
    work_end = models.TimeField(_("working hours to"), default=time(21, 0))
    local_call_start = models.TimeField(
        _("client's local time from"),
        default=time(9, 0),
        help_text=_("Calls go only when the client's own clock shows this time or later."),
    )
    local_call_end = models.TimeField(_("client's local time to"), default=time(21, 0))
    caller_id = models.CharField(_("caller ID"), max_length=32, blank=True)
    operator_lead_limit = models.PositiveIntegerField(
        _("numbers per operator"),
        null=True,
        blank=True,
        help_text=_("How many numbers one operator may hold assigned. Empty: no limit."),
    )
    release_undialed_at_day_end = models.BooleanField(
        _("release undialed numbers at the end of the day"), default=True
    )
    callback_wait_seconds = models.PositiveIntegerField(
        _("callback waits for its operator, seconds"),
        default=300,
        help_text=_("After this a due callback goes to any free operator of the project."),
    )
    wrap_up_limit_seconds = models.PositiveIntegerField(
        _("wrap-up limit, seconds"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    record_calls = models.BooleanField(_("record calls"), default=True)
    telephony_settings = models.JSONField(
        _("telephony settings"),
        default=default_sim_settings,
        blank=True,
        help_text=_("Backend settings, e.g. the simulator's answer rate and talk time."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectMembership(models.Model):
    """A user's role in one project: supervisor or operator."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=MembershipRoleChoices.choices,
        default=MembershipRoleChoices.OPERATOR,
    )

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.project} ({self.get_role_display()})"


class CallResult(models.Model):
    """A result an operator sets on a call, with its class and whether it closes the lead."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="results"
    )
    name = models.CharField(_("name"), max_length=100)
    result_class = models.CharField(_("class"), max_length=12, choices=ResultClassChoices.choices)
    is_final = models.BooleanField(
        _("final"), default=False, help_text=_("The contact is not called again in this project.")
    )
    requires_comment = models.BooleanField(_("comment required"), default=False)
    hotkey = models.CharField(_("hot key"), max_length=1, blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("call result")
        verbose_name_plural = _("call results")
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="result_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ResultFollowUp(models.Model):
    """A reminder a result creates for chosen employees, some days and minutes later."""

    result = models.ForeignKey(
        CallResult,
        verbose_name=_("call result"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    title = models.CharField(_("title"), max_length=255)
    offset_days = models.PositiveSmallIntegerField(_("after days"), default=0)
    offset_minutes = models.PositiveIntegerField(_("after minutes"), default=0)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), blank=True, related_name="+"
    )
    to_operator = models.BooleanField(_("also the operator of the call"), default=True)

    class Meta:
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")

    def __str__(self) -> str:
        return self.title


class RetryRule(models.Model):
    """How long to wait and how many times to try again after a call ended without a talk."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="retry_rules"
    )
    cause = models.CharField(_("cause"), max_length=10, choices=RetryCauseChoices.choices)
    delay_minutes = models.PositiveIntegerField(_("delay, minutes"), default=60)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)

    class Meta:
        verbose_name = _("retry rule")
        verbose_name_plural = _("retry rules")
        constraints = [
            models.UniqueConstraint(fields=["project", "cause"], name="one_retry_rule_per_cause")
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()}: {self.delay_minutes} / {self.max_attempts}"


class MessageTemplate(models.Model):
    """An e-mail or SMS text the operator sends from the card."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="message_templates",
    )
    channel = models.CharField(_("channel"), max_length=5, choices=MessageChannelChoices.choices)
    name = models.CharField(_("name"), max_length=150)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["project", "channel", "name"]

    def __str__(self) -> str:
        return self.name


class KpiNorm(models.Model):
    """A target set by the admin, shown beside the operator's name."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kpi_norms",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kpi_norms",
        help_text=_("Empty: the norm applies to every operator of the project."),
    )
    metric = models.CharField(_("metric"), max_length=20, choices=KpiMetricChoices.choices)
    period = models.CharField(
        _("period"), max_length=5, choices=KpiPeriodChoices.choices, default=KpiPeriodChoices.DAY
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("KPI norm")
        verbose_name_plural = _("KPI norms")

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target} / {self.get_period_display()}"


class Lead(models.Model):
    """A contact inside a project: what the dialer works through."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="leads"
    )
    contact = models.ForeignKey(
        "crm.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="leads"
    )
    phone = models.ForeignKey(
        "crm.Phone",
        verbose_name=_("phone to call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=LeadStateChoices.choices,
        default=LeadStateChoices.NEW,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    attempts_by_cause = models.JSONField(_("attempts by cause"), default=dict, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_abandoned_at = models.DateTimeField(_("last abandoned"), null=True, blank=True)
    assigned_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_leads",
    )
    last_result = models.ForeignKey(
        CallResult,
        verbose_name=_("last result"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    priority = models.SmallIntegerField(_("priority"), default=0)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["project", "-priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "contact"], name="one_lead_per_contact")
        ]
        indexes = [models.Index(fields=["project", "state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.contact} @ {self.project}"


class QuestionnaireResponse(models.Model):
    """A client's answers to a project's questionnaire; can be refilled or edited later."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="questionnaires"
    )
    call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionnaireStatusChoices.choices
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.get_status_display()}"
