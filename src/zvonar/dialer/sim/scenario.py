"""A simulated day: customers, operators and their schedules, and the benchmark's suites."""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from zvonar.dialer.sim.customer import CustomerModel


@dataclass(frozen=True)
class OperatorModel:
    """How operators come and go: log-in pattern and pauses."""

    count: int = 20
    # "all": everyone logged in all day; "waves": groups log in and out at different times.
    schedule: str = "all"
    # Share of logged-in time spent in pauses, taken between calls.
    pause_share: float = 0.0
    pause_mean: float = 300.0

    def shifts(self, hours: float, rng: random.Random) -> list[list[tuple[float, float]]]:
        """Log-in intervals (seconds) of each operator over the day."""
        day = hours * 3600.0
        if self.schedule == "all":
            return [[(0.0, day)] for _ in range(self.count)]
        if self.schedule != "waves":
            raise ValueError(f"unknown operator schedule {self.schedule!r}")
        result: list[list[tuple[float, float]]] = []
        for index in range(self.count):
            jitter = rng.uniform(-300.0, 300.0)
            group = index % 3
            if group == 0:
                # Early shift with a lunch hour logged out.
                shifts = [(0.0, 0.45 * day + jitter), (0.575 * day + jitter, day)]
            elif group == 1:
                shifts = [(0.0625 * day + jitter, 0.8125 * day + jitter)]
            else:
                shifts = [(0.1875 * day + jitter, day)]
            result.append([(max(0.0, a), min(day, b)) for a, b in shifts])
        return result


@dataclass(frozen=True)
class Scenario:
    """Everything a simulated day needs besides the policy and the seed."""

    name: str = "custom"
    hours: float = 8.0
    customers: CustomerModel = field(default_factory=CustomerModel)
    operators: OperatorModel = field(default_factory=OperatorModel)
    # The person-answer rate swings by this share of itself over the day (0 = flat).
    answer_drift: float = 0.0
    connect_seconds: float = 2.0
    abandon_limit: float = 0.03
    # "us", or "uk" to count detector false positives as abandons.
    definition: str = "us"
    tick: float = 1.0

    def person_rate_at(self, now: float) -> float:
        """Person-answer rate at this moment of the day."""
        base = self.customers.person_rate
        if not self.answer_drift:
            return base
        phase = 2.0 * math.pi * now / (self.hours * 3600.0)
        return base * (1.0 + self.answer_drift * math.sin(phase))

    @property
    def physical_limit(self) -> float:
        """Talk minutes per operator-hour with no idle time at all: 60 t / (t + w)."""
        c = self.customers
        return 60.0 * c.talk_mean / (c.talk_mean + c.wrap_up_mean)

    def to_dict(self) -> dict[str, Any]:
        """Plain parameters, the format of a scenario file."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """A scenario from plain parameters; missing ones take their defaults."""
        data = dict(data)
        customers = CustomerModel(**data.pop("customers", {}))
        operators = OperatorModel(**data.pop("operators", {}))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown scenario fields: {sorted(unknown)}")
        return cls(customers=customers, operators=operators, **data)

    def without_amd(self) -> Scenario:
        """The same day with answering-machine detection off, measured the UK way."""
        return replace(
            self,
            name=f"{self.name}-noamd",
            customers=replace(self.customers, amd=False),
            definition="uk",
        )


def standard_suite(hours: float = 8.0) -> list[Scenario]:
    """The benchmark's grid plus the two non-stationary days."""
    scenarios = [
        Scenario(
            name=f"ops{count}-ans{round(rate * 100)}",
            hours=hours,
            customers=CustomerModel(person_rate=rate),
            operators=OperatorModel(count=count),
        )
        for count in (5, 10, 20, 50, 100)
        for rate in (0.1, 0.2, 0.3)
    ]
    scenarios.append(
        Scenario(
            name="drift-ops20-ans20",
            hours=hours,
            customers=CustomerModel(person_rate=0.2),
            operators=OperatorModel(count=20),
            answer_drift=0.5,
        )
    )
    scenarios.append(
        Scenario(
            name="waves-ops50-ans20",
            hours=hours,
            customers=CustomerModel(person_rate=0.2),
            operators=OperatorModel(count=50, schedule="waves", pause_share=0.1),
        )
    )
    return scenarios


def quick_suite() -> list[Scenario]:
    """A two-hour smoke run on two small grids."""
    return [
        Scenario(
            name=f"quick-ops{count}-ans20",
            hours=2.0,
            customers=CustomerModel(person_rate=0.2),
            operators=OperatorModel(count=count),
        )
        for count in (5, 20)
    ]
