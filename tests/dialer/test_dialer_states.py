"""Operator and call state machines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zvonar.dialer.core import (
    CallCommand,
    CallEvent,
    CallState,
    EndCause,
    InvalidTransition,
    OperatorCommand,
    OperatorEvent,
    OperatorState,
    OperatorStatus,
    call_end_cause,
    call_transition,
    operator_transition,
)


def _run_operator(events: list[OperatorEvent]) -> OperatorStatus:
    status = OperatorStatus()
    for event in events:
        status, _ = operator_transition(status, event)
    return status


def test_operator_logs_in_paused_then_becomes_available() -> None:
    """A fresh log-in starts paused and joins distribution only when set available."""
    status, commands = operator_transition(OperatorStatus(), OperatorEvent.LOG_IN)
    assert status.state is OperatorState.PAUSED
    assert OperatorCommand.JOIN_DISTRIBUTION not in commands
    status, commands = operator_transition(status, OperatorEvent.SET_AVAILABLE)
    assert status.state is OperatorState.AVAILABLE
    assert commands == (OperatorCommand.LOG_STATUS, OperatorCommand.JOIN_DISTRIBUTION)


def test_connected_call_goes_through_wrap_up_back_to_available() -> None:
    """A distributed call opens the card, then wrap-up requires a result before the next call."""
    status = _run_operator([OperatorEvent.LOG_IN, OperatorEvent.SET_AVAILABLE])
    status, commands = operator_transition(status, OperatorEvent.CALL_CONNECTED)
    assert status.state is OperatorState.TALKING
    assert OperatorCommand.OPEN_CARD in commands
    assert OperatorCommand.LEAVE_DISTRIBUTION in commands
    status, commands = operator_transition(status, OperatorEvent.CALL_ENDED)
    assert status.state is OperatorState.WRAP_UP
    assert OperatorCommand.REQUIRE_RESULT in commands
    status, _ = operator_transition(status, OperatorEvent.RESULT_SAVED)
    assert status.state is OperatorState.AVAILABLE


def test_pause_asked_during_wrap_up_applies_after_the_result() -> None:
    """Asking for a break in wrap-up lands the operator in that pause when the card is saved."""
    status = _run_operator(
        [
            OperatorEvent.LOG_IN,
            OperatorEvent.SET_AVAILABLE,
            OperatorEvent.CALL_CONNECTED,
            OperatorEvent.CALL_ENDED,
        ]
    )
    status, _ = operator_transition(status, OperatorEvent.PAUSE, pause_reason="lunch")
    assert status.state is OperatorState.WRAP_UP
    status, _ = operator_transition(status, OperatorEvent.RESULT_SAVED)
    assert status == OperatorStatus(OperatorState.PAUSED, "lunch")


def test_manual_call_from_pause_returns_to_pause() -> None:
    """An operator on a break may dial by hand and comes back to the same break."""
    status = _run_operator([OperatorEvent.LOG_IN])
    status, _ = operator_transition(status, OperatorEvent.PAUSE, pause_reason="training")
    for event in (
        OperatorEvent.START_MANUAL_CALL,
        OperatorEvent.CALL_CONNECTED,
        OperatorEvent.CALL_ENDED,
        OperatorEvent.RESULT_SAVED,
    ):
        status, _ = operator_transition(status, event)
    assert status == OperatorStatus(OperatorState.PAUSED, "training")


def test_operator_cannot_log_out_in_the_middle_of_a_call() -> None:
    """Logging out while talking is refused; the call must end first."""
    status = _run_operator(
        [OperatorEvent.LOG_IN, OperatorEvent.SET_AVAILABLE, OperatorEvent.CALL_CONNECTED]
    )
    with pytest.raises(InvalidTransition):
        operator_transition(status, OperatorEvent.LOG_OUT)


def test_lost_connection_releases_the_call() -> None:
    """A closed tab during a call disconnects the operator and releases the call."""
    status = _run_operator(
        [OperatorEvent.LOG_IN, OperatorEvent.SET_AVAILABLE, OperatorEvent.CALL_CONNECTED]
    )
    status, commands = operator_transition(status, OperatorEvent.CONNECTION_LOST)
    assert status.state is OperatorState.DISCONNECTED
    assert OperatorCommand.RELEASE_CALL in commands


@given(st.lists(st.sampled_from(list(OperatorEvent)), max_size=40))
def test_only_available_operators_are_in_distribution(events: list[OperatorEvent]) -> None:
    """Whatever the events, join/leave commands track exactly the AVAILABLE state."""
    status = OperatorStatus()
    in_distribution = False
    for event in events:
        try:
            new, commands = operator_transition(status, event)
        except InvalidTransition:
            continue
        if OperatorCommand.JOIN_DISTRIBUTION in commands:
            in_distribution = True
        if OperatorCommand.LEAVE_DISTRIBUTION in commands:
            in_distribution = False
        status = new
        assert in_distribution == (status.state is OperatorState.AVAILABLE)


def _answered_call() -> CallState:
    state = CallState.CREATED
    for event in (CallEvent.ORIGINATE, CallEvent.RINGING, CallEvent.ANSWERED_HUMAN):
        state, _ = call_transition(state, event)
    return state


def test_answered_person_is_counted_routed_and_timed() -> None:
    """A person's answer counts for the abandon rate, asks the router and starts the 2-s clock."""
    state, commands = call_transition(CallState.RINGING, CallEvent.ANSWERED_HUMAN)
    assert state is CallState.ANSWERED_HUMAN
    assert commands == (
        CallCommand.COUNT_PERSON_ANSWER,
        CallCommand.ROUTE,
        CallCommand.START_CONNECT_TIMER,
    )


def test_call_not_connected_in_time_is_abandoned_politely() -> None:
    """With no operator within the connect time the call plays the message and is counted."""
    state, _ = call_transition(_answered_call(), CallEvent.NO_OPERATOR_FREE)
    state, commands = call_transition(state, CallEvent.CONNECT_TIMEOUT)
    assert state is CallState.ABANDONED
    assert commands == (CallCommand.PLAY_ABANDON_MESSAGE, CallCommand.COUNT_ABANDON)
    assert call_end_cause(state, CallEvent.MESSAGE_PLAYED) is EndCause.ABANDONED
    state, commands = call_transition(state, CallEvent.MESSAGE_PLAYED)
    assert state is CallState.ENDED
    assert CallCommand.HANG_UP in commands


def test_machine_is_never_put_through() -> None:
    """A detected machine is hung up on and never reaches an operator."""
    state, commands = call_transition(CallState.RINGING, CallEvent.ANSWERED_MACHINE)
    assert state is CallState.ANSWERED_MACHINE
    assert CallCommand.ROUTE not in commands
    with pytest.raises(InvalidTransition):
        call_transition(state, CallEvent.OPERATOR_CONNECTED)


@pytest.mark.parametrize(
    ("event", "cause"),
    [
        (CallEvent.NO_ANSWER, EndCause.NO_ANSWER),
        (CallEvent.BUSY, EndCause.BUSY),
        (CallEvent.FAILED, EndCause.FAILED),
    ],
)
def test_unanswered_calls_end_with_their_cause(event: CallEvent, cause: EndCause) -> None:
    """No answer, busy and failure end the call with the cause retry rules are keyed by."""
    state, _ = call_transition(CallState.DIALING, event)
    assert state is CallState.ENDED
    assert call_end_cause(CallState.DIALING, event) is cause


@given(st.lists(st.sampled_from(list(CallEvent)), max_size=30))
def test_ended_call_accepts_nothing_and_abandon_is_counted_once(events: list[CallEvent]) -> None:
    """Any event sequence counts at most one abandon and nothing moves an ended call."""
    state = CallState.CREATED
    abandons = 0
    for event in events:
        try:
            state, commands = call_transition(state, event)
        except InvalidTransition:
            continue
        abandons += commands.count(CallCommand.COUNT_ABANDON)
    assert abandons <= 1
    if state is CallState.ENDED:
        for event in CallEvent:
            with pytest.raises(InvalidTransition):
                call_transition(state, event)
