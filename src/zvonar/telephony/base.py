"""The backend protocol: a base class owns the lifecycle and the normalized event stream."""

from __future__ import annotations

import asyncio
import enum
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar


class EventType(enum.StrEnum):
    """What a backend reports about a call, whatever the PBX calls it."""

    RINGING = "ringing"
    ANSWERED_HUMAN = "answered_human"
    ANSWERED_MACHINE = "answered_machine"
    OPERATOR_CONNECTED = "operator_connected"
    HANGUP = "hangup"
    INBOUND = "inbound"
    DTMF = "dtmf"


class HangupCause(enum.StrEnum):
    """Normalized hang-up causes; the same values as calls.HangupCauseChoices."""

    NORMAL = "normal"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    INVALID_NUMBER = "invalid_number"
    FAILED = "failed"
    MACHINE = "machine"
    ABANDONED = "abandoned"
    CLIENT_HANGUP = "client_hangup"
    OPERATOR_HANGUP = "operator_hangup"
    CANCELLED = "cancelled"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class TelephonyEvent:
    type: EventType
    call_id: str
    at: float
    cause: HangupCause | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


class TelephonyError(Exception):
    """A backend could not do what it was asked; the message says why."""


class UnknownCall(TelephonyError):
    """The backend has no such call (it ended, or it was never placed)."""


class TelephonyBackend(ABC):
    """Lifecycle and event stream of a backend; subclasses supply only the transport.

    Calls are named by our own call id (the Call row's key as text), so that a
    restarted engine can match what the PBX still holds with what it wrote.
    """

    name: ClassVar[str] = "base"
    capabilities: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = dict(config or {})
        self._queue: asyncio.Queue[TelephonyEvent | None] = asyncio.Queue()
        self._started = False

    @staticmethod
    def now() -> float:
        return time.monotonic()

    async def start(self) -> None:
        self._started = True
        await self._connect()

    async def stop(self) -> None:
        if self._started:
            self._started = False
            await self._disconnect()
            self._queue.put_nowait(None)

    def emit(self, event: TelephonyEvent) -> None:
        self._queue.put_nowait(event)

    async def events(self) -> AsyncIterator[TelephonyEvent]:
        """Normalized events until the backend stops."""
        while True:
            event = await self._queue.get()
            if event is None:
                return
            yield event

    async def _connect(self) -> None:  # noqa: B027 - optional hook
        """Open the transport (a websocket to the PBX, nothing for the simulator)."""

    async def _disconnect(self) -> None:  # noqa: B027 - optional hook
        """Close the transport."""

    @abstractmethod
    async def originate(
        self,
        call_id: str,
        number: str,
        *,
        caller_id: str = "",
        timeout: float = 25.0,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Start dialing number; events follow on the stream."""

    @abstractmethod
    async def connect(self, call_id: str, operator_id: int) -> None:
        """Bridge an answered call to the operator's leg."""

    @abstractmethod
    async def hangup(self, call_id: str, cause: HangupCause = HangupCause.NORMAL) -> None:
        """End the call; a HANGUP event with this cause follows."""

    @abstractmethod
    async def play_message(self, call_id: str, message: str) -> None:
        """Play a recorded message (e.g. the abandon message) to the client."""

    @abstractmethod
    async def record(self, call_id: str) -> str:
        """Start recording; returns the recording's reference."""

    @abstractmethod
    async def active_calls(self) -> set[str]:
        """Ids of the calls the PBX holds now (for reconciliation after a restart)."""
