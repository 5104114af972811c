"""Operator and call state machines as pure transition functions over enums."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache


class InvalidTransition(ValueError):
    """An event that the current state does not accept."""


class OperatorState(Enum):
    """Statuses of PRODUCT.md; only AVAILABLE receives distributed calls."""

    # Members are singletons: identity hashing is correct and much faster than Enum's.
    __hash__ = object.__hash__

    OFFLINE = "offline"
    AVAILABLE = "available"
    PAUSED = "paused"
    DO_NOT_DISTURB = "do_not_disturb"
    DIALING = "dialing"
    INCOMING_RINGING = "incoming_ringing"
    TALKING = "talking"
    WRAP_UP = "wrap_up"
    DISCONNECTED = "disconnected"
    SUSPENDED = "suspended"


class OperatorEvent(Enum):
    """What can happen to an operator, by their hand or by the system."""

    # Members are singletons: identity hashing is correct and much faster than Enum's.
    __hash__ = object.__hash__

    LOG_IN = "log_in"
    LOG_OUT = "log_out"
    SET_AVAILABLE = "set_available"
    PAUSE = "pause"
    SET_DO_NOT_DISTURB = "set_do_not_disturb"
    START_MANUAL_CALL = "start_manual_call"
    CALL_OFFERED = "call_offered"
    CALL_CONNECTED = "call_connected"
    CALL_FAILED = "call_failed"
    CALL_ENDED = "call_ended"
    RESULT_SAVED = "result_saved"
    CONNECTION_LOST = "connection_lost"
    CONNECTION_RESTORED = "connection_restored"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


class OperatorCommand(Enum):
    """Side effects the loop performs after an operator transition."""

    LOG_STATUS = "log_status"
    JOIN_DISTRIBUTION = "join_distribution"
    LEAVE_DISTRIBUTION = "leave_distribution"
    OPEN_CARD = "open_card"
    REQUIRE_RESULT = "require_result"
    RELEASE_CALL = "release_call"


@dataclass(frozen=True, slots=True)
class OperatorStatus:
    """An operator's state plus what a pause is for and where wrap-up returns to."""

    state: OperatorState = OperatorState.OFFLINE
    pause_reason: str | None = None
    return_to: OperatorState = OperatorState.AVAILABLE


_OS = OperatorState
_OE = OperatorEvent
_OC = OperatorCommand

# States from which an operator may choose another manual status.
_MANUAL = frozenset({_OS.AVAILABLE, _OS.PAUSED, _OS.DO_NOT_DISTURB})
# States in which the operator holds a call; leaving them must release it.
_ON_CALL = frozenset({_OS.DIALING, _OS.INCOMING_RINGING, _OS.TALKING})


_CAN_CONNECT = frozenset({_OS.AVAILABLE, _OS.DIALING, _OS.INCOMING_RINGING})


@cache
def _status_commands(old: OperatorState, new: OperatorState) -> tuple[OperatorCommand, ...]:
    commands = [_OC.LOG_STATUS]
    if old is _OS.AVAILABLE and new is not _OS.AVAILABLE:
        commands.append(_OC.LEAVE_DISTRIBUTION)
    if new is _OS.AVAILABLE and old is not _OS.AVAILABLE:
        commands.append(_OC.JOIN_DISTRIBUTION)
    return tuple(commands)


def operator_transition(
    status: OperatorStatus, event: OperatorEvent, *, pause_reason: str | None = None
) -> tuple[OperatorStatus, tuple[OperatorCommand, ...]]:
    """Return the operator's next status and the commands to run; raise on a forbidden event."""
    state = status.state
    new: OperatorStatus | None = None
    extra: tuple[OperatorCommand, ...] = ()
    # The three events of every distributed call come first: they dominate the traffic.
    if event is _OE.CALL_CONNECTED and state in _CAN_CONNECT:
        new = OperatorStatus(_OS.TALKING, status.pause_reason, status.return_to)
        extra = (_OC.OPEN_CARD,)
    elif event is _OE.CALL_ENDED and state is _OS.TALKING:
        new = OperatorStatus(_OS.WRAP_UP, status.pause_reason, status.return_to)
        extra = (_OC.REQUIRE_RESULT,)
    elif event is _OE.RESULT_SAVED and state is _OS.WRAP_UP:
        reason = status.pause_reason if status.return_to is _OS.PAUSED else None
        new = OperatorStatus(status.return_to, reason)
    elif event is _OE.LOG_IN and state is _OS.OFFLINE:
        # A fresh log-in starts paused so nobody gets a call before the headset is on.
        new = OperatorStatus(_OS.PAUSED, pause_reason or "logged_in")
    elif event is _OE.LOG_OUT and state not in _ON_CALL and state is not _OS.OFFLINE:
        new = OperatorStatus(_OS.OFFLINE)
    elif event is _OE.SET_AVAILABLE and state in _MANUAL:
        new = OperatorStatus(_OS.AVAILABLE)
    elif event is _OE.PAUSE and state in _MANUAL:
        new = OperatorStatus(_OS.PAUSED, pause_reason)
    elif event is _OE.PAUSE and state is _OS.WRAP_UP:
        # Asking for a break during wrap-up takes effect when the card is saved.
        new = OperatorStatus(state, pause_reason, _OS.PAUSED)
    elif event is _OE.SET_DO_NOT_DISTURB and state in _MANUAL:
        new = OperatorStatus(_OS.DO_NOT_DISTURB)
    elif event is _OE.START_MANUAL_CALL and state in _MANUAL:
        new = OperatorStatus(_OS.DIALING, status.pause_reason, return_to=state)
    elif event is _OE.CALL_OFFERED and state is _OS.AVAILABLE:
        new = OperatorStatus(_OS.INCOMING_RINGING)
    elif event is _OE.CALL_FAILED and state in {_OS.DIALING, _OS.INCOMING_RINGING}:
        # An unanswered manual call still needs a result; a missed offer does not.
        if state is _OS.DIALING:
            new = OperatorStatus(_OS.WRAP_UP, status.pause_reason, status.return_to)
            extra = (_OC.REQUIRE_RESULT,)
        else:
            new = OperatorStatus(_OS.AVAILABLE)
    elif event is _OE.CONNECTION_LOST and state not in {_OS.OFFLINE, _OS.DISCONNECTED}:
        new = OperatorStatus(_OS.DISCONNECTED)
        if state in _ON_CALL:
            extra = (_OC.RELEASE_CALL,)
    elif event is _OE.CONNECTION_RESTORED and state is _OS.DISCONNECTED:
        new = OperatorStatus(_OS.PAUSED, "reconnected")
    elif event is _OE.SUSPEND and state not in {_OS.OFFLINE, _OS.SUSPENDED}:
        new = OperatorStatus(_OS.SUSPENDED)
        if state in _ON_CALL:
            extra = (_OC.RELEASE_CALL,)
    elif event is _OE.REINSTATE and state is _OS.SUSPENDED:
        new = OperatorStatus(_OS.PAUSED, "reinstated")
    if new is None:
        raise InvalidTransition(f"operator in {state.value} cannot {event.value}")
    commands = _status_commands(state, new.state) if new.state is not state else ()
    return new, commands + extra


class CallState(Enum):
    """Life of one dialer call, from the row written before originating to its end."""

    # Members are singletons: identity hashing is correct and much faster than Enum's.
    __hash__ = object.__hash__

    CREATED = "created"
    DIALING = "dialing"
    RINGING = "ringing"
    ANSWERED_HUMAN = "answered_human"
    ANSWERED_MACHINE = "answered_machine"
    WAITING_FOR_OPERATOR = "waiting_for_operator"
    CONNECTED = "connected"
    ABANDONED = "abandoned"
    ENDED = "ended"


class CallEvent(Enum):
    """Telephony and dialer events that move a call."""

    # Members are singletons: identity hashing is correct and much faster than Enum's.
    __hash__ = object.__hash__

    ORIGINATE = "originate"
    RINGING = "ringing"
    ANSWERED_HUMAN = "answered_human"
    ANSWERED_MACHINE = "answered_machine"
    NO_OPERATOR_FREE = "no_operator_free"
    OPERATOR_CONNECTED = "operator_connected"
    CONNECT_TIMEOUT = "connect_timeout"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CUSTOMER_HUNG_UP = "customer_hung_up"
    OPERATOR_HUNG_UP = "operator_hung_up"
    MESSAGE_PLAYED = "message_played"


class CallCommand(Enum):
    """Side effects the loop performs after a call transition."""

    ORIGINATE = "originate"
    ROUTE = "route"
    START_CONNECT_TIMER = "start_connect_timer"
    CONNECT_OPERATOR = "connect_operator"
    PLAY_ABANDON_MESSAGE = "play_abandon_message"
    HANG_UP = "hang_up"
    COUNT_PERSON_ANSWER = "count_person_answer"
    COUNT_ABANDON = "count_abandon"
    RECORD_RESULT = "record_result"


class EndCause(Enum):
    """Why a call ended; retry rules are keyed by the first five."""

    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    MACHINE = "machine"
    ABANDONED = "abandoned"
    COMPLETED = "completed"
    HUNG_UP_BEFORE_ANSWER = "hung_up_before_answer"


_CS = CallState
_CE = CallEvent
_CC = CallCommand
_CallRow = tuple[CallState, tuple[CallCommand, ...]]

_RINGING_STATES = (_CS.DIALING, _CS.RINGING)
_CALL_TABLE: dict[tuple[CallState, CallEvent], _CallRow] = {
    (_CS.CREATED, _CE.ORIGINATE): (_CS.DIALING, (_CC.ORIGINATE,)),
    (_CS.DIALING, _CE.RINGING): (_CS.RINGING, ()),
    # The regulator's connect clock starts only once the call is known to be a person.
    (_CS.ANSWERED_HUMAN, _CE.OPERATOR_CONNECTED): (_CS.CONNECTED, ()),
    (_CS.ANSWERED_HUMAN, _CE.NO_OPERATOR_FREE): (_CS.WAITING_FOR_OPERATOR, ()),
    (_CS.ANSWERED_HUMAN, _CE.CUSTOMER_HUNG_UP): (_CS.ABANDONED, (_CC.COUNT_ABANDON,)),
    (_CS.ANSWERED_MACHINE, _CE.MESSAGE_PLAYED): (_CS.ENDED, (_CC.RECORD_RESULT,)),
    (_CS.ANSWERED_MACHINE, _CE.CUSTOMER_HUNG_UP): (_CS.ENDED, (_CC.RECORD_RESULT,)),
    (_CS.WAITING_FOR_OPERATOR, _CE.OPERATOR_CONNECTED): (_CS.CONNECTED, ()),
    (_CS.WAITING_FOR_OPERATOR, _CE.CONNECT_TIMEOUT): (
        _CS.ABANDONED,
        (_CC.PLAY_ABANDON_MESSAGE, _CC.COUNT_ABANDON),
    ),
    (_CS.WAITING_FOR_OPERATOR, _CE.CUSTOMER_HUNG_UP): (_CS.ABANDONED, (_CC.COUNT_ABANDON,)),
    (_CS.ABANDONED, _CE.MESSAGE_PLAYED): (_CS.ENDED, (_CC.HANG_UP, _CC.RECORD_RESULT)),
    (_CS.ABANDONED, _CE.CUSTOMER_HUNG_UP): (_CS.ENDED, (_CC.RECORD_RESULT,)),
    (_CS.CONNECTED, _CE.CUSTOMER_HUNG_UP): (_CS.ENDED, (_CC.RECORD_RESULT,)),
    (_CS.CONNECTED, _CE.OPERATOR_HUNG_UP): (_CS.ENDED, (_CC.HANG_UP, _CC.RECORD_RESULT)),
}
for _state in _RINGING_STATES:
    _CALL_TABLE[(_state, _CE.ANSWERED_HUMAN)] = (
        _CS.ANSWERED_HUMAN,
        (_CC.COUNT_PERSON_ANSWER, _CC.ROUTE, _CC.START_CONNECT_TIMER),
    )
    # A machine is never put through to an operator: the message is left and the line dropped.
    _CALL_TABLE[(_state, _CE.ANSWERED_MACHINE)] = (_CS.ANSWERED_MACHINE, (_CC.HANG_UP,))
    for _event in (_CE.NO_ANSWER, _CE.BUSY, _CE.FAILED):
        _CALL_TABLE[(_state, _event)] = (_CS.ENDED, (_CC.HANG_UP, _CC.RECORD_RESULT))
    _CALL_TABLE[(_state, _CE.CUSTOMER_HUNG_UP)] = (_CS.ENDED, (_CC.RECORD_RESULT,))

TERMINAL_CALL_STATES = frozenset({_CS.ENDED})


def call_transition(
    state: CallState, event: CallEvent
) -> tuple[CallState, tuple[CallCommand, ...]]:
    """Return the call's next state and the commands to run; raise on a forbidden event."""
    row = _CALL_TABLE.get((state, event))
    if row is None:
        raise InvalidTransition(f"call in {state.value} cannot take {event.value}")
    return row


def call_end_cause(state: CallState, event: CallEvent) -> EndCause | None:
    """Return the end cause that an event ending a call in the given state records."""
    if event is _CE.NO_ANSWER:
        return EndCause.NO_ANSWER
    if event is _CE.BUSY:
        return EndCause.BUSY
    if event is _CE.FAILED:
        return EndCause.FAILED
    if state is _CS.ANSWERED_MACHINE:
        return EndCause.MACHINE
    if state is _CS.ABANDONED or (
        state in {_CS.ANSWERED_HUMAN, _CS.WAITING_FOR_OPERATOR} and event is _CE.CUSTOMER_HUNG_UP
    ):
        return EndCause.ABANDONED
    if state is _CS.CONNECTED:
        return EndCause.COMPLETED
    if state in _RINGING_STATES and event is _CE.CUSTOMER_HUNG_UP:
        return EndCause.HUNG_UP_BEFORE_ANSWER
    return None
