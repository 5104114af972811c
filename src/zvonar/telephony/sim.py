"""A virtual PBX: the dialer core's customer model played out in real time."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from zvonar.dialer.sim.customer import CustomerModel, DialOutcome, DialResult
from zvonar.telephony.base import (
    EventType,
    HangupCause,
    TelephonyBackend,
    TelephonyEvent,
    UnknownCall,
)

# Project settings (Project.telephony_settings) -> CustomerModel fields.
SETTING_FIELDS = {
    "person_answer_rate": "person_rate",
    "machine_rate": "machine_share",
    "busy_rate": "busy_rate",
    "invalid_rate": "failed_rate",
    "talk_mean_seconds": "talk_mean",
    "time_to_answer_median_seconds": "answer_median",
    "ring_timeout_seconds": "ring_timeout",
    "amd": "amd",
}


def customer_model(settings: Mapping[str, Any] | None) -> CustomerModel:
    """The customer model a project's telephony settings describe."""
    values = {
        field_name: settings[key]
        for key, field_name in SETTING_FIELDS.items()
        if settings and key in settings
    }
    return CustomerModel(**values)


@dataclass
class SimCall:
    call_id: str
    number: str
    outcome: DialOutcome
    answered: bool = False
    connected_to: int | None = None
    timers: list[asyncio.TimerHandle] = field(default_factory=list)

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


class SimBackend(TelephonyBackend):
    """Draws each dial's outcome from the customer model and plays it on the event loop.

    Config: ``time_scale`` (1.0 real time; 0.1 runs ten times faster, for tests),
    ``seed`` (a fixed seed makes a run repeatable), ``answer_rate`` etc. as defaults
    under a project's own settings, and ``numbers`` (a map number -> forced result:
    "person", "machine", "busy", "no_answer", "failed") for scripted tests and demos.
    """

    name = "sim"
    capabilities: ClassVar[frozenset[str]] = frozenset({"amd", "recording"})

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        super().__init__(config)
        self.time_scale = float(self.config.get("time_scale", 1.0))
        self.rng = random.Random(self.config.get("seed"))
        self.calls: dict[str, SimCall] = {}
        self.forced: dict[str, str] = dict(self.config.get("numbers", {}))

    def _later(self, call: SimCall, seconds: float, callback, *args) -> None:
        loop = asyncio.get_running_loop()
        call.timers.append(loop.call_later(max(seconds, 0.0) * self.time_scale, callback, *args))

    def _event(self, type_: EventType, call_id: str, cause: HangupCause | None = None, **data):
        self.emit(TelephonyEvent(type_, call_id, self.now(), cause, data))

    def _draw(self, number: str, settings: Mapping[str, Any] | None) -> DialOutcome:
        model = customer_model({**self.config.get("defaults", {}), **(settings or {})})
        forced = self.forced.get(number)
        for _ in range(1000):
            outcome = model.draw(self.rng)
            # A scripted number also gets the detector's right verdict.
            if forced is None or (
                outcome.result.value == forced
                and outcome.classified_person == (outcome.result is DialResult.PERSON)
            ):
                return outcome
        return outcome

    async def originate(
        self,
        call_id: str,
        number: str,
        *,
        caller_id: str = "",
        timeout: float = 25.0,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        if call_id in self.calls:
            raise ValueError(f"call {call_id} is already placed")
        outcome = self._draw(number, settings)
        call = SimCall(call_id, number, outcome)
        self.calls[call_id] = call
        result = outcome.result
        if result is DialResult.FAILED:
            self._later(call, outcome.resolved_after, self._end, call_id, HangupCause.FAILED)
            return
        if result is DialResult.BUSY:
            self._later(call, outcome.resolved_after, self._end, call_id, HangupCause.BUSY)
            return
        self._later(call, 0.5, self._event, EventType.RINGING, call_id)
        if result is DialResult.NO_ANSWER:
            ring = max(min(timeout, outcome.resolved_after), 15.0)
            self._later(call, ring, self._end, call_id, HangupCause.NO_ANSWER)
            return
        self._later(call, outcome.classified_after, self._classified, call_id)

    def _classified(self, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is None:
            return
        call.answered = True
        call.timers.clear()
        if call.outcome.classified_person:
            self._event(EventType.ANSWERED_HUMAN, call_id)
            # A person who hears silence hangs up after their patience runs out.
            self._later(call, call.outcome.patience, self._end, call_id, HangupCause.CLIENT_HANGUP)
        else:
            self._event(EventType.ANSWERED_MACHINE, call_id)
            self._later(call, 30.0, self._end, call_id, HangupCause.MACHINE)

    def _end(self, call_id: str, cause: HangupCause) -> None:
        call = self.calls.pop(call_id, None)
        if call is None:
            return
        call.cancel_timers()
        self._event(EventType.HANGUP, call_id, cause)

    def _call(self, call_id: str) -> SimCall:
        try:
            return self.calls[call_id]
        except KeyError:
            raise UnknownCall(call_id) from None

    async def connect(self, call_id: str, operator_id: int) -> None:
        call = self._call(call_id)
        if not call.answered:
            raise UnknownCall(f"call {call_id} is not answered")
        call.cancel_timers()
        call.connected_to = operator_id
        self._event(EventType.OPERATOR_CONNECTED, call_id, operator_id=operator_id)
        self._later(call, call.outcome.talk, self._end, call_id, HangupCause.CLIENT_HANGUP)

    async def hangup(self, call_id: str, cause: HangupCause = HangupCause.NORMAL) -> None:
        self._call(call_id)
        self._end(call_id, cause)

    async def play_message(self, call_id: str, message: str) -> None:
        self._call(call_id)

    async def record(self, call_id: str) -> str:
        self._call(call_id)
        return f"sim://recordings/{call_id}.wav"

    async def active_calls(self) -> set[str]:
        return set(self.calls)

    async def _disconnect(self) -> None:
        for call in self.calls.values():
            call.cancel_timers()
        self.calls.clear()
