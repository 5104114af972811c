"""The customer side of a dial: who answers, when, and for how long they talk."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import Enum
from functools import cached_property


class DialResult(Enum):
    """What is really at the other end of a dial."""

    FAILED = "failed"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    PERSON = "person"
    MACHINE = "machine"


@dataclass(frozen=True, slots=True)
class DialOutcome:
    """Everything about one dial, drawn at once so that every policy meets the same outcome.

    Times are seconds from the moment the call is originated, except ``talk``,
    ``wrap_up`` and ``patience``, which are durations.
    """

    result: DialResult
    # When the network reports failure, busy or the ring timeout; for answers, the answer.
    resolved_after: float
    # When the call is known to be a person or a machine (answer + detection, or answer).
    classified_after: float
    # What the detector (or, without one, the dialer) takes the call for.
    classified_person: bool
    talk: float
    wrap_up: float
    patience: float


def lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of a lognormal with this mean and coefficient of variation."""
    sigma2 = math.log(1.0 + cv * cv)
    return math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2)


@dataclass(frozen=True)
class CustomerModel:
    """Answer, machine, busy and timing behaviour of the numbers of a project.

    ``person_rate`` is the share of dials a person answers; machines answer
    ``machine_share`` of all answers. A ``draw`` consumes the random stream in
    an order that depends only on the dial's own outcome, so dial k gets the
    same outcome under any policy (common random numbers).
    """

    person_rate: float = 0.2
    machine_share: float = 0.2
    busy_rate: float = 0.08
    failed_rate: float = 0.04
    answer_median: float = 7.0
    answer_sigma: float = 0.5
    ring_timeout: float = 25.0
    # Regulators want 15 s of ringing before a no-answer; a shorter timeout is raised to it.
    minimum_ring: float = 15.0
    amd: bool = True
    amd_seconds: float = 3.0
    amd_false_positive: float = 0.05
    amd_false_negative: float = 0.10
    talk_mean: float = 120.0
    talk_cv: float = 1.0
    wrap_up_mean: float = 10.0
    wrap_up_cv: float = 0.5
    # Time an operator loses on a machine the detector let through.
    machine_handle: float = 5.0
    patience_median: float = 8.0
    patience_sigma: float = 0.8
    busy_after: float = 4.0
    failed_after: float = 2.0

    @cached_property
    def _talk_parameters(self) -> tuple[float, float]:
        return lognormal_parameters(self.talk_mean, self.talk_cv)

    @cached_property
    def _wrap_up_parameters(self) -> tuple[float, float]:
        return lognormal_parameters(self.wrap_up_mean, self.wrap_up_cv)

    @property
    def timeout(self) -> float:
        """The ring timeout actually used."""
        return max(self.ring_timeout, self.minimum_ring)

    @cached_property
    def _plain_outcomes(self) -> tuple[DialOutcome, DialOutcome, DialOutcome]:
        # Outcomes without an answer carry no random timing: share one immutable each.
        return (
            DialOutcome(DialResult.FAILED, self.failed_after, 0.0, False, 0.0, 0.0, 0.0),
            DialOutcome(DialResult.BUSY, self.busy_after, 0.0, False, 0.0, 0.0, 0.0),
            DialOutcome(DialResult.NO_ANSWER, self.timeout, 0.0, False, 0.0, 0.0, 0.0),
        )

    def draw(self, rng: random.Random, person_rate: float | None = None) -> DialOutcome:
        """Draw one dial; person_rate overrides the model's rate (a drifting day)."""
        rate = self.person_rate if person_rate is None else person_rate
        failed, busy, no_answer = self._plain_outcomes
        u = rng.random()
        if u < self.failed_rate:
            return failed
        u -= self.failed_rate
        if u < self.busy_rate:
            return busy
        u -= self.busy_rate
        if u >= rate / (1.0 - self.machine_share):
            return no_answer
        person = u < rate
        answer = self.answer_median * math.exp(self.answer_sigma * rng.gauss(0.0, 1.0))
        if answer >= no_answer.resolved_after:
            return no_answer
        detect = rng.random()
        if person:
            classified = not (self.amd and detect < self.amd_false_positive)
            talk_mu, talk_sigma = self._talk_parameters
            talk = rng.lognormvariate(talk_mu, talk_sigma)
            patience = self.patience_median * math.exp(self.patience_sigma * rng.gauss(0.0, 1.0))
            result = DialResult.PERSON
        else:
            classified = not self.amd or detect < self.amd_false_negative
            talk = self.machine_handle
            patience = 1e9
            result = DialResult.MACHINE
        wrap_mu, wrap_sigma = self._wrap_up_parameters
        wrap_up = rng.lognormvariate(wrap_mu, wrap_sigma) if result is DialResult.PERSON else 0.0
        classified_after = answer + (self.amd_seconds if self.amd else 0.0)
        return DialOutcome(result, answer, classified_after, classified, talk, wrap_up, patience)
