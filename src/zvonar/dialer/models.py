"""Which dialer process drives which project: a lease that expires unless renewed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DialerLease(models.Model):
    project = models.OneToOneField(
        "campaigns.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="dialer_lease",
    )
    holder = models.CharField(_("dialer"), max_length=100)
    acquired_at = models.DateTimeField(_("acquired"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("dialer lease")
        verbose_name_plural = _("dialer leases")

    def __str__(self) -> str:
        return f"{self.project_id} → {self.holder}"
