"""What the operator's page shows, as one JSON-able dict (fetched again after a reconnect)."""

from django.utils import timezone

from zvonar.accounts.choices import MANUAL_STATUSES, OperatorStatusChoices
from zvonar.accounts.models import PauseReason
from zvonar.accounts.queries import current_statuses, users_visible_to
from zvonar.accounts.services import current_status
from zvonar.calls.choices import OPEN_CALL_STATES
from zvonar.calls.queries import calls_visible_to
from zvonar.campaigns.queries import projects_visible_to
from zvonar.crm.display import phone_for
from zvonar.tasks.queries import notifications_of


def open_card_call(user):
    """The call whose card the operator must save before the next one: connected, not saved."""
    return (
        calls_visible_to(user)
        .filter(operator=user, connected_at__isnull=False, wrap_up_ended_at=None)
        .order_by("-connected_at")
        .first()
    )


def workplace_state(user) -> dict:
    status = current_status(user)
    now = timezone.now()
    card_call = open_card_call(user)
    live_call = (
        calls_visible_to(user)
        .filter(operator=user, state__in=OPEN_CALL_STATES)
        .order_by("-created_at")
        .first()
    )
    colleagues = list(users_visible_to(user).exclude(pk=user.pk).filter(is_active=True)[:50])
    statuses = current_statuses(colleagues)
    recent = calls_visible_to(user).filter(operator=user).select_related("contact")[:10]
    return {
        "status": status.status if status else OperatorStatusChoices.OFFLINE,
        "status_display": str(OperatorStatusChoices(status.status if status else "offline").label),
        "reason": status.reason.name if status and status.reason else "",
        "since": (status.started_at if status else now).isoformat(),
        "project_id": status.project_id if status else None,
        "manual": bool(status is None or status.status in MANUAL_STATUSES),
        "card_call_id": card_call.pk if card_call else None,
        "live_call": {"id": live_call.pk, "state": live_call.state} if live_call else None,
        "projects": [
            {"id": p.pk, "name": p.name, "mode": p.dial_mode, "status": p.status}
            for p in projects_visible_to(user).order_by("name")
        ],
        "pause_reasons": [
            {"id": r.pk, "name": r.name} for r in PauseReason.objects.filter(is_active=True)
        ],
        "notifications": [
            {"id": n.pk, "text": n.text, "at": n.created_at.isoformat()}
            for n in notifications_of(user).filter(read_at=None)[:20]
        ],
        "colleagues": [
            {
                "id": c.pk,
                "name": str(c),
                "status": statuses[c.pk].status if c.pk in statuses else "offline",
                "status_display": str(
                    OperatorStatusChoices(
                        statuses[c.pk].status if c.pk in statuses else "offline"
                    ).label
                ),
            }
            for c in colleagues
        ],
        "recent_calls": [
            {
                "id": call.pk,
                "number": phone_for(user, call.number),
                "contact": str(call.contact) if call.contact else "",
                "at": call.created_at.isoformat(),
                "missed": call.is_missed,
            }
            for call in recent
        ],
        "server_time": now.isoformat(),
    }
