"""Clocks: the engine reads time only through one, so the simulator can run a day in seconds."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds; only differences matter."""

    def now(self) -> float:
        """Current time in seconds."""
        ...


class SystemClock:
    """The real monotonic clock."""

    def now(self) -> float:
        """Seconds of time.monotonic()."""
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told: for tests and the simulator."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        """The time last set."""
        return self._now

    def advance_to(self, moment: float) -> None:
        """Move forward to moment; time never goes back."""
        if moment < self._now:
            raise ValueError("a clock never goes back")
        self._now = moment
