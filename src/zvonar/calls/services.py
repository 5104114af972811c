"""Calls' state changes: claiming leads and writing calls for the dialer, and the operator's
results. Each function runs in one transaction and sends its events on commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zvonar.accounts.choices import OperatorStatusChoices
from zvonar.accounts.models import OperatorStatusLog, User
from zvonar.accounts.services import do_set_operator_status
from zvonar.calls.choices import (
    OPEN_CALL_STATES,
    CallDirectionChoices,
    CallStateChoices,
    HangupCauseChoices,
)
from zvonar.calls.models import Call
from zvonar.campaigns.choices import LeadStateChoices, ResultClassChoices
from zvonar.campaigns.models import CallResult, Lead, Project
from zvonar.crm.models import BlacklistEntry
from zvonar.dialer.core import (
    CallView,
    EndCause,
    LeadRecord,
    OperatorState,
    OperatorView,
    RetryRule,
    SchedulerContext,
    attempts_exhausted,
    default_retry_rules,
    pick_leads,
    record_attempt,
    route,
)
from zvonar.events import project_group, send_event_on_commit, user_group

# The most leads of each kind one claim reads looking for callable ones.
MAX_CANDIDATE_WINDOW = 5000

DIALABLE_STATES = [LeadStateChoices.NEW, LeadStateChoices.RETRY, LeadStateChoices.CALLBACK]

# How a hang-up counts against the lead's retry rules; None: no attempt is counted.
CAUSE_TO_END = {
    HangupCauseChoices.NO_ANSWER: EndCause.NO_ANSWER,
    HangupCauseChoices.BUSY: EndCause.BUSY,
    HangupCauseChoices.INVALID_NUMBER: EndCause.FAILED,
    HangupCauseChoices.FAILED: EndCause.FAILED,
    HangupCauseChoices.MACHINE: EndCause.MACHINE,
    HangupCauseChoices.ABANDONED: EndCause.ABANDONED,
    HangupCauseChoices.CLIENT_HANGUP: EndCause.ABANDONED,
    HangupCauseChoices.NORMAL: EndCause.NO_ANSWER,
    HangupCauseChoices.OPERATOR_HANGUP: EndCause.NO_ANSWER,
}


def retry_rules(project: Project) -> dict[EndCause, RetryRule]:
    rules = default_retry_rules()
    for rule in project.retry_rules.all():
        cause = EndCause(rule.cause)
        rules[cause] = RetryRule(cause, timedelta(minutes=rule.delay_minutes), rule.max_attempts)
    return rules


def numbers_in_call() -> set[str]:
    return set(Call.objects.filter(state__in=OPEN_CALL_STATES).values_list("number", flat=True))


def blacklisted_numbers(project: Project, numbers) -> set[str]:
    return set(
        BlacklistEntry.objects.active()
        .filter(number__in=list(numbers))
        .filter(Q(project=None) | Q(project=project))
        .values_list("number", flat=True)
    )


def lead_record(lead: Lead, project: Project, blacklisted: set[str]) -> LeadRecord:
    phone = lead.phone
    callback = lead.state == LeadStateChoices.CALLBACK
    return LeadRecord(
        lead_id=lead.pk,
        phone=phone.number,
        time_zone=phone.time_zone or project.time_zone,
        allowed_hours=(project.local_call_start, project.local_call_end),
        blacklisted=phone.number in blacklisted,
        attempts={EndCause(cause): count for cause, count in lead.attempts_by_cause.items()},
        next_attempt_at=None if callback else lead.next_attempt_at,
        callback_at=(lead.next_attempt_at or lead.created_at) if callback else None,
        callback_assignee=lead.assigned_operator_id if callback else None,
        priority=lead.priority,
        last_abandoned_at=lead.last_abandoned_at,
    )


def _candidates(project: Project, window: int, now: datetime):
    """Up to `window` leads of each kind (due callbacks, due retries, fresh), and whether
    that was all of them."""
    base = Lead.objects.filter(project=project, phone__isnull=False).select_related("phone")
    if connection.vendor == "postgresql":
        # Another dialer (or a preview request) may be claiming leads right now: skip theirs.
        base = base.select_for_update(skip_locked=True, of=("self",))
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    callbacks = base.filter(due, state=LeadStateChoices.CALLBACK).order_by("next_attempt_at")
    retries = base.filter(due, state=LeadStateChoices.RETRY).order_by("next_attempt_at")
    fresh = base.filter(state=LeadStateChoices.NEW).order_by("-priority", "pk")
    lists = [list(callbacks[:window]), list(retries[:window]), list(fresh[:window])]
    return [lead for leads in lists for lead in leads], all(len(leads) < window for leads in lists)


def _working_day(project: Project, now: datetime) -> bool:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(project.time_zone)).weekday() in project.work_days


@dataclass(frozen=True)
class ClaimedCall:
    call_id: int
    number: str
    operator_id: int | None


@transaction.atomic
def claim_leads(
    project: Project,
    count: int,
    free_operator_ids: list[int],
    now: datetime | None = None,
    *,
    dialing: bool = False,
) -> list[ClaimedCall]:
    """Pick up to count leads by the core's rules, mark them in a call and write their calls.

    The calls are written before they are originated, so a crash loses nothing: the
    engine's reconciliation finds them. Each lead is taken by a conditional update, so a
    lead claimed by someone else in the meantime is skipped, never dialed twice.

    With `dialing` (the dialer about to originate them) the calls are written as Dialing and
    a callback's assignee is reserved (Available -> Dialing) in the same transaction; a
    claim whose assignee is no longer available goes out as an ordinary call.
    """
    now = now or timezone.now()
    if count <= 0 or not _working_day(project, now):
        return []
    context = SchedulerContext(
        time_zone=project.time_zone,
        working_hours=(project.work_start, project.work_end),
        retry_rules=retry_rules(project),
        numbers_in_call=numbers_in_call(),
        free_operators=frozenset(free_operator_ids),
        callback_wait=timedelta(seconds=project.callback_wait_seconds),
    )
    # Read a few candidates per call wanted; only when the rules turn too many of them away
    # (their local hours, the blacklist, a number already in a call) read a wider window.
    window = max(10, 2 * count)
    while True:
        leads, all_read = _candidates(project, window, now)
        blacklisted = blacklisted_numbers(project, {lead.phone.number for lead in leads})
        records = [lead_record(lead, project, blacklisted) for lead in leads]
        picks = pick_leads(records, now, count, context)
        if len(picks) >= count or all_read or window >= MAX_CANDIDATE_WINDOW:
            break
        window = min(window * 8, MAX_CANDIDATE_WINDOW)
    by_id = {lead.pk: lead for lead in leads}
    claimed = []
    for pick in picks:
        lead = by_id[pick.lead.lead_id]
        taken = Lead.objects.filter(pk=lead.pk, state=lead.state).update(
            state=LeadStateChoices.IN_CALL, last_attempt_at=now
        )
        if not taken:
            continue
        operator_id = pick.operator_id
        if dialing and operator_id is not None:
            reserved = do_reserve_operator(
                operator_id,
                project.pk,
                OperatorStatusChoices.AVAILABLE,
                OperatorStatusChoices.DIALING,
            )
            operator_id = operator_id if reserved else None
        call = Call.objects.create(
            direction=CallDirectionChoices.OUTBOUND,
            number=lead.phone.number,
            project=project,
            lead=lead,
            contact_id=lead.contact_id,
            operator_id=operator_id,
            created_at=now,
        )
        if dialing:
            _set_dialing(call, now)
        claimed.append(ClaimedCall(call.pk, call.number, operator_id))
    return claimed


def _call_event(call: Call, op: str) -> dict:
    return {
        "type": "call",
        "op": op,
        "call_id": call.pk,
        "state": call.state,
        "state_display": str(CallStateChoices(call.state).label),
        "project_id": call.project_id,
        "operator_id": call.operator_id,
    }


def _emit(call: Call, op: str) -> None:
    groups = [project_group(call.project_id)] if call.project_id else []
    if call.operator_id:
        groups.append(user_group(call.operator_id))
    send_event_on_commit(groups, _call_event(call, op))


def _set_dialing(call: Call, now: datetime) -> None:
    call.state = CallStateChoices.DIALING
    call.dial_started_at = now
    call.backend_call_id = str(call.pk)
    call.save(update_fields=["state", "dial_started_at", "backend_call_id"])
    _emit(call, "dialing")


@transaction.atomic
def do_mark_dialing(call_id: int) -> Call:
    call = Call.objects.select_for_update().get(pk=call_id)
    _set_dialing(call, timezone.now())
    return call


@transaction.atomic
def do_mark_ringing(call_id: int) -> None:
    Call.objects.filter(pk=call_id, state=CallStateChoices.DIALING).update(
        state=CallStateChoices.RINGING, ringing_at=timezone.now()
    )


@transaction.atomic
def do_mark_answered(call_id: int, *, machine: bool, at: datetime | None = None) -> Call:
    """The telephony reported an answer (at: when the dialer received it)."""
    call = Call.objects.select_for_update().get(pk=call_id)
    call.answered_at = at or timezone.now()
    call.answered_by_machine = machine
    call.state = (
        CallStateChoices.ANSWERED_MACHINE if machine else CallStateChoices.WAITING_FOR_OPERATOR
    )
    call.save(update_fields=["answered_at", "answered_by_machine", "state"])
    _emit(call, "answered")
    return call


def _status_in_project(user_id: int, status: str, project_id: int | None) -> None:
    user = User.objects.get(pk=user_id)
    do_set_operator_status(user, status, project=project_id)


@transaction.atomic
def do_reserve_operator(user_id: int, project_id: int, expected: str, status: str) -> bool:
    """Move an operator from the expected status to another; False if they are no longer in it.

    The dialer routes by the status log; an operator who paused a moment ago must not get
    the call, so the check and the change happen under the user's row lock.
    """
    user = User.objects.select_for_update().filter(pk=user_id).first()
    current = OperatorStatusLog.objects.filter(user_id=user_id, ended_at=None).first()
    if user is None or current is None or current.status != expected:
        return False
    do_set_operator_status(user, status, project=project_id)
    return True


def available_operators(project_id: int) -> list[tuple[int, float]]:
    """Operators available in this project, with when they became available (epoch seconds)."""
    entries = OperatorStatusLog.objects.filter(
        ended_at=None,
        status=OperatorStatusChoices.AVAILABLE,
        project_id=project_id,
        user__memberships__project_id=project_id,
        user__is_active=True,
    ).values_list("user_id", "started_at")
    return [(user_id, started.timestamp()) for user_id, started in entries]


@transaction.atomic
def do_route_call(
    call_id: int,
    project_id: int,
    reserved_operator_id: int | None = None,
    *,
    call: Call | None = None,
):
    """Give a waiting answered call to an operator, in one transaction.

    The operator it was dialed for (manual dial, preview, callback) takes it if still
    Dialing; otherwise the core's router picks among the project's available operators. The
    chosen operator goes Talking under their row lock (one who paused a moment ago is skipped
    for the next), the call is Connected and the card pops on commit. Returns the operator's
    id, or None when nobody can take the call now or it no longer waits (hung up meanwhile).
    `call`: the call, already locked and marked waiting in this transaction.
    """
    waiting = (CallStateChoices.WAITING_FOR_OPERATOR, CallStateChoices.ANSWERED_MACHINE)
    if call is None:
        call = Call.objects.select_for_update().filter(pk=call_id, state__in=waiting).first()
        if call is None:
            return None
    if reserved_operator_id is not None and do_reserve_operator(
        reserved_operator_id,
        project_id,
        OperatorStatusChoices.DIALING,
        OperatorStatusChoices.TALKING,
    ):
        do_mark_connected(call_id, reserved_operator_id, call=call)
        return reserved_operator_id
    operators = available_operators(project_id)
    while operators:
        views = [
            OperatorView(user_id, OperatorState.AVAILABLE, idle_since, frozenset({project_id}))
            for user_id, idle_since in operators
        ]
        chosen = route(CallView(project_id), views)
        if chosen is None:
            return None
        if do_reserve_operator(
            chosen, project_id, OperatorStatusChoices.AVAILABLE, OperatorStatusChoices.TALKING
        ):
            do_mark_connected(call_id, chosen, call=call)
            return chosen
        operators = [entry for entry in operators if entry[0] != chosen]
    return None


@transaction.atomic
def do_answer_call(
    call_id: int,
    project_id: int,
    reserved_operator_id: int | None = None,
    at: datetime | None = None,
):
    """A person answered (at: when the dialer heard of it): mark it and, when someone can take
    it, connect it in the same transaction, so the card pops without another round trip.
    Returns the operator or None."""
    call = do_mark_answered(call_id, machine=False, at=at)
    return do_route_call(call_id, project_id, reserved_operator_id, call=call)


@transaction.atomic
def do_mark_connected(call_id: int, operator_id: int, *, call: Call | None = None) -> Call:
    """`call`: the call, already locked in this transaction."""
    if call is None:
        call = Call.objects.select_for_update().get(pk=call_id)
    call.operator_id = operator_id
    call.connected_at = timezone.now()
    call.state = CallStateChoices.CONNECTED
    call.save(update_fields=["operator", "connected_at", "state"])
    send_event_on_commit(
        [user_group(operator_id)],
        {
            "type": "card",
            "op": "pop",
            "call_id": call.pk,
            "project_id": call.project_id,
            "answered_at": call.answered_at.timestamp() if call.answered_at else None,
        },
    )
    _emit(call, "connected")
    return call


def _finish_lead_attempt(lead: Lead, cause: str, now: datetime) -> None:
    end = CAUSE_TO_END.get(cause)
    project = lead.project
    # A due automatic callback stays a callback until a call to it gets a result.
    was_callback = lead.tasks.filter(is_auto_callback=True, done_at=None).exists()
    if end is None:
        # Not the client's doing (cancelled, lost in a restart): callable again at once.
        lead.state = LeadStateChoices.CALLBACK if was_callback else LeadStateChoices.RETRY
        lead.next_attempt_at = now
        lead.save(update_fields=["state", "next_attempt_at"])
        return
    rules = retry_rules(project)
    record = record_attempt(lead_record(lead, project, set()), end, now, rules)
    lead.attempts = F("attempts") + 1
    lead.attempts_by_cause = {c.value: n for c, n in record.attempts.items()}
    lead.next_attempt_at = record.next_attempt_at
    if end is EndCause.ABANDONED:
        lead.last_abandoned_at = now
    if attempts_exhausted(record, rules):
        lead.state = LeadStateChoices.EXHAUSTED
    elif was_callback:
        lead.state = LeadStateChoices.CALLBACK
    else:
        lead.state = LeadStateChoices.RETRY
    lead.save(
        update_fields=[
            "attempts",
            "attempts_by_cause",
            "next_attempt_at",
            "last_abandoned_at",
            "state",
        ]
    )


@transaction.atomic
def do_mark_ended(call_id: int, cause: str) -> Call:
    """A call ended on the telephony side: close its row, count the attempt, free or wrap up
    the operator."""
    call = (
        Call.objects.select_for_update(of=("self",)).select_related("lead__project").get(pk=call_id)
    )
    if call.state in (CallStateChoices.ENDED, CallStateChoices.ABANDONED):
        return call
    now = timezone.now()
    call.ended_at = now
    was_connected = call.connected_at is not None
    abandoned = not was_connected and (
        cause == HangupCauseChoices.ABANDONED
        or (call.state == CallStateChoices.WAITING_FOR_OPERATOR and call.operator_id is None)
    )
    if abandoned:
        cause = HangupCauseChoices.ABANDONED
    call.hangup_cause = cause
    call.state = CallStateChoices.ABANDONED if abandoned else CallStateChoices.ENDED
    call.save(update_fields=["ended_at", "hangup_cause", "state"])
    if call.lead_id and not was_connected:
        _finish_lead_attempt(call.lead, cause, now)
    if call.operator_id:
        current = OperatorStatusLog.objects.filter(user_id=call.operator_id, ended_at=None).first()
        if was_connected and call.wrap_up_ended_at is None:
            if current and current.status == OperatorStatusChoices.TALKING:
                _status_in_project(call.operator_id, OperatorStatusChoices.WRAP_UP, call.project_id)
        elif current and current.status == OperatorStatusChoices.DIALING:
            # A reserved call (preview, manual, callback) nobody answered: back to work.
            _status_in_project(call.operator_id, OperatorStatusChoices.AVAILABLE, call.project_id)
    _emit(call, "ended")
    return call


@transaction.atomic
def reconcile_calls(project_id: int, active_ids: set[str]) -> int:
    """Close the calls of a project the telephony no longer holds (after a crash); their
    leads become callable again. Returns how many calls were closed."""
    stale = Call.objects.filter(project_id=project_id, state__in=OPEN_CALL_STATES).exclude(
        backend_call_id__in=active_ids
    )
    closed = 0
    for call in stale.select_related("lead__project"):
        if call.state == CallStateChoices.CREATED and call.operator_id and not call.backend_call_id:
            continue  # a reserved call still waiting to be placed
        do_mark_ended(call.pk, HangupCauseChoices.LOST)
        closed += 1
    # Leads marked in a call whose call row never got written or was closed above.
    orphaned = Lead.objects.filter(project_id=project_id, state=LeadStateChoices.IN_CALL).exclude(
        calls__state__in=OPEN_CALL_STATES
    )
    orphaned.update(state=LeadStateChoices.RETRY, next_attempt_at=timezone.now())
    return closed


# The operator's side.


class CardError(ValidationError):
    """The card cannot be saved as filled; messages say what to fix."""


def _validate_field(field, value):
    from zvonar.crm.choices import FieldTypeChoices
    from zvonar.crm.phones import normalize_phone

    if value in (None, "", []):
        if field.required:
            raise CardError(_("Fill in “%(field)s”.") % {"field": field.label})
        return value
    kind = field.field_type
    if kind == FieldTypeChoices.NUMBER:
        try:
            return float(value) if "." in str(value) else int(value)
        except ValueError:
            raise CardError(_("“%(field)s” must be a number.") % {"field": field.label}) from None
    if kind == FieldTypeChoices.DATE:
        try:
            return datetime.strptime(str(value), "%Y-%m-%d").date().isoformat()
        except ValueError:
            raise CardError(_("“%(field)s” must be a date.") % {"field": field.label}) from None
    if kind == FieldTypeChoices.PHONE:
        return normalize_phone(str(value)).e164
    if kind == FieldTypeChoices.EMAIL:
        from django.core.validators import validate_email

        try:
            validate_email(value)
        except ValidationError:
            raise CardError(_("“%(field)s” must be an e-mail.") % {"field": field.label}) from None
        return value
    if kind == FieldTypeChoices.SELECT and value not in field.options:
        raise CardError(_("Choose “%(field)s” from the list.") % {"field": field.label})
    if kind == FieldTypeChoices.MULTI_SELECT:
        values = value if isinstance(value, list) else [value]
        if any(item not in field.options for item in values):
            raise CardError(_("Choose “%(field)s” from the list.") % {"field": field.label})
        return values
    if kind == FieldTypeChoices.CHECKBOX:
        return value in (True, "on", "true", "1", 1)
    return str(value)


@dataclass
class CallbackRequest:
    due_at: datetime
    automatic: bool
    title: str = ""
    assignee: User | None = None


@transaction.atomic
def do_save_call_result(
    call: Call,
    *,
    result: CallResult | None,
    comment: str = "",
    fields: dict | None = None,
    script_path: list | None = None,
    callback: CallbackRequest | None = None,
    acting_user: User,
) -> Call:
    """Save the card of a call: result, comment, card fields, script path, an optional task.

    Preconditions: the call is the acting operator's (checked by access_call). Side effects:
    the lead moves by the result's class, a hang-up is requested if the call still runs,
    the operator leaves wrap-up and becomes available, events on commit.
    """
    from zvonar.tasks.services import do_create_follow_ups, do_create_task

    if call.wrap_up_ended_at is not None:
        raise CardError(_("This card is already saved."))
    if result is None:
        raise CardError(_("Choose the result of the call."))
    if result.project_id != call.project_id or not result.is_active:
        raise CardError(_("This result does not belong to the call's project."))
    if result.requires_comment and not comment.strip():
        raise CardError(_("The result “%(result)s” needs a comment.") % {"result": result.name})
    if result.result_class == ResultClassChoices.CALLBACK and callback is None:
        raise CardError(_("Set the date and time of the callback."))
    now = timezone.now()
    # Claim the card in the database, not on the object in hand: of two saves at once (a double
    # click, two tabs) one wins and the other is told the card is saved; no second task is made.
    # A later error rolls the claim back with the rest.
    if not Call.objects.filter(pk=call.pk, wrap_up_ended_at=None).update(wrap_up_ended_at=now):
        raise CardError(_("This card is already saved."))
    contact = call.contact
    if contact is not None and fields is not None and call.project and call.project.card_template:
        template_fields = {f.code: f for f in call.project.card_template.fields.all()}
        values = dict(contact.custom_fields)
        for code, field in template_fields.items():
            if code not in fields:
                if field.required and not values.get(code):
                    raise CardError(_("Fill in “%(field)s”.") % {"field": field.label})
                continue
            if not (field.editable_by_operator and acting_user.may_edit_card):
                continue
            values[code] = _validate_field(field, fields[code])
        contact.custom_fields = values
        contact.save(update_fields=["custom_fields", "updated_at"])
    call.result = result
    call.comment = comment.strip()
    call.script_path = list(script_path or [])
    call.wrap_up_ended_at = now
    if call.state in OPEN_CALL_STATES:
        call.hangup_requested_at = now
    # wrap_up_ended_at is in the row already (the claim above).
    call.save(update_fields=["result", "comment", "script_path", "hangup_requested_at"])
    lead = call.lead
    if lead is not None:
        lead.last_result = result
        lead.attempts_by_cause = dict(lead.attempts_by_cause)
        if result.is_final:
            lead.state = LeadStateChoices.DONE
            lead.next_attempt_at = None
        elif callback is not None and callback.automatic:
            lead.state = LeadStateChoices.CALLBACK
            lead.next_attempt_at = callback.due_at
            lead.assigned_operator = callback.assignee or acting_user
        else:
            rules = retry_rules(call.project)
            lead.state = LeadStateChoices.RETRY
            lead.next_attempt_at = now + rules[EndCause.NO_ANSWER].delay
        lead.save(update_fields=["last_result", "state", "next_attempt_at", "assigned_operator"])
        # A callback is done once its call got a result.
        lead.tasks.filter(is_auto_callback=True, done_at=None, due_at__lte=now).update(done_at=now)
    if callback is not None:
        do_create_task(
            title=callback.title
            or _("Call back: %(contact)s") % {"contact": contact or call.number},
            due_at=callback.due_at,
            automatic=callback.automatic,
            assignee=callback.assignee or acting_user,
            contact=contact,
            project=call.project,
            lead=lead,
            origin_call=call,
            acting_user=acting_user,
        )
    do_create_follow_ups(call, result, acting_user=acting_user)
    current = OperatorStatusLog.objects.filter(user=acting_user, ended_at=None).first()
    if current is None or current.status in (
        OperatorStatusChoices.TALKING,
        OperatorStatusChoices.WRAP_UP,
    ):
        do_set_operator_status(
            acting_user,
            OperatorStatusChoices.AVAILABLE,
            project=call.project,
            acting_user=acting_user,
        )
    _emit(call, "saved")
    return call


@transaction.atomic
def do_request_hangup(call: Call, *, acting_user: User) -> None:
    """Ask the dialer driving the call's project to hang it up (it polls every tick)."""
    if call.state in OPEN_CALL_STATES and call.hangup_requested_at is None:
        Call.objects.filter(pk=call.pk).update(hangup_requested_at=timezone.now())


@transaction.atomic
def do_request_manual_call(
    number: str, project: Project, *, acting_user: User, lead: Lead | None = None
) -> Call:
    """Write a call the operator dials by hand (or from a previewed card); the dialer places it.

    Raises ValidationError with a message for the operator when the number may not be dialed.
    """
    from zvonar.crm.phones import normalize_phone
    from zvonar.crm.services import check_dial_allowed

    e164 = normalize_phone(number).e164
    check_dial_allowed(e164, project)
    if Call.objects.filter(number=e164, state__in=OPEN_CALL_STATES).exists():
        raise ValidationError(_("This number is already in a call."))
    contact = lead.contact if lead else None
    if contact is None:
        from zvonar.crm.models import Phone

        phone = Phone.objects.filter(number=e164, contact__deleted_at=None).first()
        contact = phone.contact if phone else None
        if lead is None and contact is not None:
            lead = Lead.objects.filter(project=project, contact=contact).first()
    if lead is not None:
        lead.state = LeadStateChoices.IN_CALL
        lead.last_attempt_at = timezone.now()
        lead.save(update_fields=["state", "last_attempt_at"])
    call = Call.objects.create(
        direction=CallDirectionChoices.OUTBOUND,
        number=e164,
        project=project,
        lead=lead,
        contact=contact,
        operator=acting_user,
    )
    do_set_operator_status(
        acting_user, OperatorStatusChoices.DIALING, project=project, acting_user=acting_user
    )
    _emit(call, "requested")
    return call
