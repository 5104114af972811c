"""Forms of the operator's workplace."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zvonar.accounts.choices import MANUAL_STATUSES, OperatorStatusChoices
from zvonar.accounts.models import PauseReason


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(c.value, c.label) for c in OperatorStatusChoices if c in MANUAL_STATUSES],
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=PauseReason.objects.filter(is_active=True), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == OperatorStatusChoices.PAUSED
            and not cleaned.get("reason")
            and PauseReason.objects.filter(is_active=True).exists()
        ):
            self.add_error("reason", _("Choose the reason of the pause."))
        if cleaned.get("status") != OperatorStatusChoices.PAUSED:
            cleaned["reason"] = None
        return cleaned
