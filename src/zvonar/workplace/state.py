"""What the operator's page shows, as one JSON-able dict (fetched again after a reconnect)."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from zvonar.accounts.choices import MANUAL_STATUSES, OperatorStatusChoices
from zvonar.accounts.models import OperatorStatusLog, PauseReason
from zvonar.accounts.queries import users_visible_to
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
    # One query, plain values: the state is re-read often and 50 model instances are not free.
    open_status = OperatorStatusLog.objects.filter(user=OuterRef("pk"), ended_at=None)
    colleagues = list(
        users_visible_to(user)
        .exclude(pk=user.pk)
        .filter(is_active=True)
        .annotate(current=Subquery(open_status.values("status")[:1]))
        .order_by("first_name", "last_name", "username")
        .values("pk", "first_name", "last_name", "username", "current")[:50]
    )
    labels = {value: str(label) for value, label in OperatorStatusChoices.choices}
    recent = calls_visible_to(user).filter(operator=user).select_related("contact")[:10]
    return {
        "user_id": user.pk,
        # The page applies status events itself and shows them in the user's language.
        "status_labels": labels,
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
                "id": c["pk"],
                "name": f"{c['first_name']} {c['last_name']}".strip() or c["username"],
                "status": c["current"] or OperatorStatusChoices.OFFLINE,
                "status_display": labels[c["current"] or OperatorStatusChoices.OFFLINE],
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
