"""The operator's actions that are no call of their own: preview reservations."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zvonar.calls.models import Call
from zvonar.calls.services import claim_leads, do_request_manual_call
from zvonar.campaigns.choices import DialModeChoices, LeadStateChoices, ProjectStatusChoices
from zvonar.campaigns.models import Lead, Project


@transaction.atomic
def do_reserve_preview_lead(project: Project, *, acting_user) -> Lead | None:
    """Hold the next lead of a preview project for the operator to look at before calling.

    Uses the dialer's own rules (hours, blacklist, callbacks first) through claim_leads, then
    turns the written call back into a reservation: nothing is dialed before Call is pressed.
    """
    if project.dial_mode != DialModeChoices.PREVIEW:
        raise ValidationError(_("This project does not work in preview mode."))
    if project.status != ProjectStatusChoices.RUNNING:
        raise ValidationError(_("The project is not running."))
    held = Lead.objects.filter(
        project=project, state=LeadStateChoices.PREVIEW, assigned_operator=acting_user
    ).first()
    if held is not None:
        return held
    claimed = claim_leads(project, 1, [acting_user.pk], timezone.now())
    if not claimed:
        return None
    call = Call.objects.select_related("lead").get(pk=claimed[0].call_id)
    lead = call.lead
    call.delete()
    lead.state = LeadStateChoices.PREVIEW
    lead.assigned_operator = acting_user
    lead.save(update_fields=["state", "assigned_operator"])
    return lead


@transaction.atomic
def do_call_preview_lead(lead: Lead, *, acting_user) -> Call:
    if lead.state != LeadStateChoices.PREVIEW or lead.assigned_operator_id != acting_user.pk:
        raise ValidationError(_("This card is no longer reserved for you."))
    return do_request_manual_call(
        lead.phone.number, lead.project, acting_user=acting_user, lead=lead
    )


@transaction.atomic
def do_skip_preview_lead(lead: Lead, reason: str, *, acting_user) -> None:
    """Give the lead back without calling; the reason is kept as a comment on the lead's history."""
    if lead.state != LeadStateChoices.PREVIEW or lead.assigned_operator_id != acting_user.pk:
        raise ValidationError(_("This card is no longer reserved for you."))
    if not reason.strip():
        raise ValidationError(_("Say why you skip this card."))
    now = timezone.now()
    Call.objects.create(
        number=lead.phone.number,
        project=lead.project,
        lead=lead,
        contact=lead.contact,
        operator=acting_user,
        state="ended",
        hangup_cause="cancelled",
        ended_at=now,
        wrap_up_ended_at=now,
        comment=_("Skipped: %(reason)s") % {"reason": reason.strip()},
    )
    lead.state = LeadStateChoices.RETRY
    lead.next_attempt_at = now + timedelta(hours=1)
    lead.assigned_operator = None
    lead.save(update_fields=["state", "next_attempt_at", "assigned_operator"])
