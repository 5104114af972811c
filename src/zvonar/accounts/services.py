"""State changes of users: the operator's status."""

from django.db import transaction
from django.utils import timezone

from zvonar.accounts.choices import MANUAL_STATUSES, READY_STATUSES, OperatorStatusChoices
from zvonar.accounts.models import OperatorStatusLog, PauseReason, User
from zvonar.events import (
    project_group,
    send_event_on_commit,
    send_on_commit,
    session_tag,
    user_group,
)


def current_status(user: User) -> OperatorStatusLog | None:
    return OperatorStatusLog.objects.filter(user=user, ended_at=None).first()


@transaction.atomic
def do_set_operator_status(
    user: User,
    status: str,
    *,
    reason: PauseReason | None = None,
    project=None,
    acting_user: User | None = None,
) -> OperatorStatusLog:
    """Close the user's open status stretch and open a new one.

    Precondition: the caller checked that the change is allowed. Side effect: a
    `operator_status` event to the user and to the groups of their projects, on commit.
    """
    now = timezone.now()
    # Lock the user's row so two tabs changing status at once cannot open two stretches.
    User.objects.select_for_update().filter(pk=user.pk).first()
    OperatorStatusLog.objects.filter(user=user, ended_at=None).update(ended_at=now)
    # The project as an instance or its key (the dialer knows only the key).
    project_id = getattr(project, "pk", project)
    entry = OperatorStatusLog.objects.create(
        user=user, status=status, reason=reason, project_id=project_id, started_at=now
    )
    event = {
        "type": "operator_status",
        "op": "change",
        "user_id": user.pk,
        "status": status,
        "status_display": str(OperatorStatusChoices(status).label),
        "reason": reason.name if reason else "",
        "since": now.isoformat(),
        "project_id": project_id,
        "manual": status in MANUAL_STATUSES,
    }
    project_ids = list(user.memberships.values_list("project_id", flat=True))
    send_event_on_commit([user_group(user.pk), *map(project_group, project_ids)], event)
    return entry


@transaction.atomic
def do_log_out(user: User, session_key: str | None) -> None:
    """What logging out does besides ending the session (the caller ends it).

    An operator waiting for calls goes Offline, so that a workplace left open in another tab
    gets nothing more; during a call or its wrap-up the call goes on and the card waits for the
    next login. The session's open pages close their sockets on commit.
    """
    status = current_status(user)
    if status is not None and status.status in READY_STATUSES | {
        OperatorStatusChoices.DISCONNECTED
    }:
        do_set_operator_status(
            user, OperatorStatusChoices.OFFLINE, project=status.project_id, acting_user=user
        )
    send_on_commit(
        [user_group(user.pk)], {"type": "zvonar.session_ended", "session": session_tag(session_key)}
    )
