"""A call record: written before the call is originated, completed as its phases happen."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zvonar.calls.choices import CallDirectionChoices, CallStateChoices, HangupCauseChoices
from zvonar.crm.phones import format_phone


class Call(models.Model):
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=CallDirectionChoices.choices,
        default=CallDirectionChoices.OUTBOUND,
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=CallStateChoices.choices,
        default=CallStateChoices.CREATED,
        db_index=True,
    )
    number = models.CharField(_("number"), max_length=20, db_index=True)
    project = models.ForeignKey(
        "campaigns.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    lead = models.ForeignKey(
        "campaigns.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    dial_started_at = models.DateTimeField(_("dialing started"), null=True, blank=True)
    ringing_at = models.DateTimeField(_("ringing"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    connected_at = models.DateTimeField(_("connected to operator"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wrap_up_ended_at = models.DateTimeField(_("card saved"), null=True, blank=True)
    hangup_cause = models.CharField(
        _("hang-up cause"), max_length=20, choices=HangupCauseChoices.choices, blank=True
    )
    answered_by_machine = models.BooleanField(_("answering machine"), default=False)
    result = models.ForeignKey(
        "campaigns.CallResult",
        verbose_name=_("result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    comment = models.TextField(_("comment"), blank=True)
    script_path = models.JSONField(_("script path"), default=list, blank=True)
    recording = models.CharField(_("recording"), max_length=500, blank=True)
    backend_call_id = models.CharField(_("telephony call ID"), max_length=100, blank=True)
    hangup_requested_at = models.DateTimeField(
        _("hang-up requested"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["operator", "created_at"])]

    def __str__(self) -> str:
        return f"{format_phone(self.number)} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def talk_seconds(self) -> int:
        if self.connected_at and self.ended_at:
            return int((self.ended_at - self.connected_at).total_seconds())
        return 0

    @property
    def is_missed(self) -> bool:
        return self.direction == CallDirectionChoices.INBOUND and self.connected_at is None
