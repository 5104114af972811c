"""Tasks' state changes: creating tasks and callbacks, completing them, reminding in the bell."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zvonar.events import send_event_on_commit, user_group
from zvonar.tasks.choices import TaskKindChoices
from zvonar.tasks.models import Notification, Task

REMINDER_AHEAD = timedelta(minutes=5)


@transaction.atomic
def do_create_task(
    *,
    title: str,
    due_at: datetime,
    automatic: bool,
    assignee,
    contact=None,
    project=None,
    lead=None,
    origin_call=None,
    description: str = "",
    acting_user,
) -> Task:
    """Create a task; an automatic callback also schedules its lead for the dialer.

    Side effects: the lead of an automatic callback goes to the callback state, due at
    the task's time and assigned to the task's assignee; a `task` event to the assignee.
    """
    from zvonar.campaigns.choices import LeadStateChoices

    task = Task.objects.create(
        kind=TaskKindChoices.CALLBACK,
        title=title,
        description=description,
        due_at=due_at,
        is_auto_callback=automatic,
        assignee=assignee,
        contact=contact,
        project=project,
        lead=lead,
        origin_call=origin_call,
        created_by=acting_user,
    )
    if automatic and lead is not None and lead.state != LeadStateChoices.DONE:
        lead.state = LeadStateChoices.CALLBACK
        lead.next_attempt_at = due_at
        lead.assigned_operator = assignee
        lead.save(update_fields=["state", "next_attempt_at", "assigned_operator"])
    send_event_on_commit(
        [user_group(assignee.pk)], {"type": "task", "op": "add", "task_id": task.pk}
    )
    return task


@transaction.atomic
def do_complete_task(task: Task, *, acting_user) -> Task:
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        send_event_on_commit(
            [user_group(task.assignee_id)], {"type": "task", "op": "done", "task_id": task.pk}
        )
    return task


def do_create_follow_ups(call, result, *, acting_user) -> list[Task]:
    """Reminders a result creates for chosen employees, some days and minutes after the call."""
    tasks = []
    now = timezone.now()
    for follow_up in result.follow_ups.prefetch_related("recipients"):
        recipients = list(follow_up.recipients.all())
        if follow_up.to_operator and call.operator_id:
            recipients.append(call.operator)
        due = now + timedelta(days=follow_up.offset_days, minutes=follow_up.offset_minutes)
        for user in {user.pk: user for user in recipients}.values():
            tasks.append(
                do_create_task(
                    title=f"{follow_up.title}: {call.contact or call.number}",
                    due_at=due,
                    automatic=False,
                    assignee=user,
                    contact=call.contact,
                    project=call.project,
                    origin_call=call,
                    acting_user=acting_user,
                )
            )
    return tasks


@transaction.atomic
def do_send_task_reminders(now: datetime | None = None) -> int:
    """Ring the bell for manual tasks: 5 minutes ahead, then at their time. Returns how many."""
    now = now or timezone.now()
    sent = 0
    due_soon = Task.objects.open().filter(
        is_auto_callback=False, reminded_at=None, due_at__lte=now + REMINDER_AHEAD
    )
    for task in due_soon.select_for_update(of=("self",)).select_related("contact"):
        text = _("In 5 minutes: %(title)s") % {"title": task.title}
        if task.due_at <= now:
            text = _("Now: %(title)s") % {"title": task.title}
        _notify(task, text)
        task.reminded_at = now
        task.save(update_fields=["reminded_at"])
        sent += 1
    # The second ring, at the due time, for tasks reminded ahead.
    due_now = Task.objects.open().filter(
        is_auto_callback=False, reminded_at__lt=F("due_at"), due_at__lte=now
    )
    for task in due_now.select_for_update():
        _notify(task, _("Now: %(title)s") % {"title": task.title})
        task.reminded_at = now
        task.save(update_fields=["reminded_at"])
        sent += 1
    return sent


def _notify(task: Task, text: str) -> Notification:
    notification = Notification.objects.create(user_id=task.assignee_id, text=text, task=task)
    send_event_on_commit(
        [user_group(task.assignee_id)],
        {
            "type": "notification",
            "op": "add",
            "id": notification.pk,
            "text": text,
            "task_id": task.pk,
        },
    )
    return notification
