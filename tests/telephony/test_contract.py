"""The contract every telephony backend passes: the same calls give the same event shapes."""

import asyncio

import pytest

from zvonar.telephony.base import EventType, HangupCause, TelephonyBackend, UnknownCall
from zvonar.telephony.sim import SimBackend

# Each backend under contract, configured to run fast and to script numbers' outcomes.
BACKENDS = {
    "sim": lambda: SimBackend(
        {
            "time_scale": 0.01,
            "seed": 7,
            "numbers": {
                "+79120000001": "person",
                "+79120000002": "busy",
                "+79120000003": "no_answer",
                "+79120000004": "machine",
                "+79120000005": "failed",
            },
            "defaults": {"amd": True},
        }
    ),
}


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request):
    backend: TelephonyBackend = BACKENDS[request.param]()
    await backend.start()
    yield backend
    await backend.stop()


async def next_event(backend, call_id, timeout=5.0):
    async def first():
        async for event in backend.events():
            if event.call_id == call_id:
                return event
        raise AssertionError("backend stopped")

    return await asyncio.wait_for(first(), timeout)


async def events_until_hangup(backend, call_id):
    seen = []
    while True:
        event = await next_event(backend, call_id)
        seen.append(event)
        if event.type is EventType.HANGUP:
            return seen


async def test_person_answers_connects_and_hangs_up(backend):
    """A person's call rings, is answered by a human, connects and ends with a hang-up."""
    await backend.originate("1", "+79120000001", timeout=25)
    assert (await next_event(backend, "1")).type is EventType.RINGING
    assert (await next_event(backend, "1")).type is EventType.ANSWERED_HUMAN
    assert "1" in await backend.active_calls()
    await backend.connect("1", operator_id=42)
    connected = await next_event(backend, "1")
    assert connected.type is EventType.OPERATOR_CONNECTED
    assert connected.data["operator_id"] == 42
    assert (await next_event(backend, "1")).type is EventType.HANGUP
    assert "1" not in await backend.active_calls()


@pytest.mark.parametrize(
    ("number", "cause"),
    [
        ("+79120000002", HangupCause.BUSY),
        ("+79120000003", HangupCause.NO_ANSWER),
        ("+79120000005", HangupCause.FAILED),
    ],
)
async def test_unanswered_calls_end_with_their_cause(backend, number, cause):
    """Busy, no answer and failed calls end with a hang-up naming the cause."""
    await backend.originate("2", number)
    events = await events_until_hangup(backend, "2")
    assert events[-1].cause is cause
    assert not any(e.type is EventType.ANSWERED_HUMAN for e in events)


async def test_machine_is_reported_as_machine(backend):
    """With detection on, an answering machine is reported as one."""
    await backend.originate("3", "+79120000004")
    events = []
    while not events or events[-1].type is EventType.RINGING:
        events.append(await next_event(backend, "3"))
    assert events[-1].type is EventType.ANSWERED_MACHINE
    await backend.hangup("3", HangupCause.MACHINE)
    assert (await next_event(backend, "3")).cause is HangupCause.MACHINE


async def test_hangup_by_the_engine_reports_its_cause(backend):
    """An engine hang-up (e.g. an abandon) comes back as a hang-up with the same cause."""
    await backend.originate("4", "+79120000001")
    while (await next_event(backend, "4")).type is not EventType.ANSWERED_HUMAN:
        pass
    await backend.play_message("4", "abandon")
    await backend.hangup("4", HangupCause.ABANDONED)
    assert (await next_event(backend, "4")).cause is HangupCause.ABANDONED


async def test_unknown_calls_are_refused(backend):
    """Acting on a call the backend does not hold raises UnknownCall."""
    with pytest.raises(UnknownCall):
        await backend.hangup("nope")
    with pytest.raises(UnknownCall):
        await backend.connect("nope", 1)


async def test_recording_gives_a_reference(backend):
    """Recording an active call returns a reference to store with the call."""
    await backend.originate("5", "+79120000001")
    assert await backend.record("5")
    await backend.hangup("5")
