"""Rolling estimators fed by the engine and read by pacing: abandons, outcomes, handle times."""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class AbandonDefinition(Enum):
    """How a regulator counts abandoned calls."""

    # FTC (US): abandoned calls over calls answered by a person.
    US = "us"
    # Ofcom (UK): also counts persons the answering-machine detector hung up on.
    UK = "uk"


@dataclass(frozen=True, slots=True)
class AbandonCounts:
    """Counts inside one window and the rate they give."""

    persons: int
    abandoned: int
    false_positives: int
    definition: AbandonDefinition

    @property
    def rate(self) -> float:
        """Abandon rate under this definition; 0 when no person answered yet."""
        if self.definition is AbandonDefinition.UK:
            numerator = self.abandoned + self.false_positives
        else:
            numerator = self.abandoned
        return numerator / self.persons if self.persons else 0.0


_PERSON, _ABANDON, _FALSE_POSITIVE = 0, 1, 2


class AbandonWindow:
    """Abandon counts over a rolling window, e.g. the regulator's 24 hours or 30 days."""

    def __init__(
        self, window_seconds: float, definition: AbandonDefinition = AbandonDefinition.US
    ) -> None:
        self.window_seconds = window_seconds
        self.definition = definition
        self._events: deque[tuple[float, int]] = deque()
        self._counts = [0, 0, 0]

    def record_person_answer(self, now: float) -> None:
        """Count a call answered by a person (a detector's false positive included)."""
        self._add(now, _PERSON)

    def record_abandon(self, now: float) -> None:
        """Count a person not put through to an operator in time, or who hung up waiting."""
        self._add(now, _ABANDON)

    def record_false_positive(self, now: float) -> None:
        """Count a person the machine detector hung up on (counted by the UK definition)."""
        self._add(now, _FALSE_POSITIVE)

    def counts(self, now: float) -> AbandonCounts:
        """Counts of the window ending now."""
        self._prune(now)
        persons, abandoned, false_positives = self._counts
        return AbandonCounts(persons, abandoned, false_positives, self.definition)

    def rate(self, now: float) -> float:
        """Abandon rate of the window ending now."""
        return self.counts(now).rate

    def _add(self, now: float, kind: int) -> None:
        self._events.append((now, kind))
        self._counts[kind] += 1
        self._prune(now)

    def _prune(self, now: float) -> None:
        events = self._events
        horizon = now - self.window_seconds
        counts = self._counts
        while events and events[0][0] <= horizon:
            counts[events.popleft()[1]] -= 1


class OutcomeEstimator:
    """Recent dial outcomes: share answered by a person and the delay until a person is known.

    Delays are kept as one-second histograms over a sliding window, so tables of
    conditional probabilities for calls still ringing are cheap to rebuild.
    """

    def __init__(
        self,
        max_samples: int = 3000,
        min_samples: int = 400,
        max_age_seconds: float = 900.0,
        max_delay_seconds: int = 90,
    ) -> None:
        self.max_samples = max_samples
        self.min_samples = min_samples
        self.max_age_seconds = max_age_seconds
        self.max_delay = max_delay_seconds
        self._samples: deque[tuple[float, int, bool]] = deque()
        self.person_histogram = [0] * (max_delay_seconds + 1)
        self.resolved_histogram = [0] * (max_delay_seconds + 1)
        self.persons = 0
        self.version = 0

    def record(self, now: float, delay_seconds: float, person: bool) -> None:
        """Record a dial resolved after delay_seconds: a person known, or anything else."""
        bucket = int(delay_seconds)
        if bucket > self.max_delay:
            bucket = self.max_delay
        samples = self._samples
        samples.append((now, bucket, person))
        self.resolved_histogram[bucket] += 1
        if person:
            self.person_histogram[bucket] += 1
            self.persons += 1
        self.version += 1
        if len(samples) <= self.min_samples:
            return
        horizon = now - self.max_age_seconds
        while len(samples) > self.max_samples or (
            len(samples) > self.min_samples and samples[0][0] < horizon
        ):
            _, old_bucket, old_person = samples.popleft()
            self.resolved_histogram[old_bucket] -= 1
            if old_person:
                self.person_histogram[old_bucket] -= 1
                self.persons -= 1

    @property
    def count(self) -> int:
        """Dials in the window."""
        return len(self._samples)

    @property
    def person_rate(self) -> float:
        """Share of recent dials answered by a person."""
        return self.persons / len(self._samples) if self._samples else 0.0


class DurationEstimator:
    """Recent durations (talk or wrap-up) as an empirical distribution."""

    def __init__(self, max_samples: int = 600) -> None:
        self.max_samples = max_samples
        self._samples: deque[float] = deque()
        self.version = 0

    def record(self, seconds: float) -> None:
        """Record one duration."""
        self._samples.append(seconds)
        if len(self._samples) > self.max_samples:
            self._samples.popleft()
        self.version += 1

    @property
    def count(self) -> int:
        """Samples in the window."""
        return len(self._samples)

    def mean(self) -> float:
        """Mean duration; 0 without data."""
        return sum(self._samples) / len(self._samples) if self._samples else 0.0

    def median(self) -> int:
        """Median duration rounded to whole seconds; 0 without data."""
        return round(statistics.median(self._samples)) if self._samples else 0

    @property
    def full(self) -> bool:
        """Whether the window has started dropping its oldest samples."""
        return len(self._samples) >= self.max_samples

    def survival_with_censored(
        self, censored: Iterable[float] = (), step_limit: int = 7200
    ) -> tuple[list[float], list[int]]:
        """Kaplan-Meier survival of the samples plus durations still running, and who is at risk.

        ``censored`` are the elapsed times of durations not ended yet (talks still
        running): each is known to last longer than its elapsed time. While the window
        holds every duration ended since the first one began, these complete the cohort
        and the estimate is unbiased; the ended ones alone favour the short.
        See :func:`kaplan_meier`.
        """
        return kaplan_meier(self._samples, censored, step_limit)

    def survival_table(self, step_limit: int = 7200) -> list[float]:
        """S[e] = share of durations longer than e seconds, for e = 0..min(max seen, limit)."""
        n = len(self._samples)
        if n == 0:
            return [1.0]
        top = min(int(max(self._samples)) + 1, step_limit)
        longer = [0] * (top + 2)
        for sample in self._samples:
            # A sample of s seconds is longer than every e < s, i.e. e in 0..ceil(s) - 1.
            longer[min(math.ceil(sample), top + 1)] += 1
        table = [0.0] * (top + 1)
        remaining = n
        for e in range(top + 1):
            remaining -= longer[e]
            table[e] = remaining / n
        return table


def kaplan_meier(
    durations: Iterable[float], censored: Iterable[float] = (), step_limit: int = 7200
) -> tuple[list[float], list[int]]:
    """Survival S[e] = P(duration > e) on whole seconds, with right-censored observations.

    An ended duration of s seconds ends in step b = ceil(s) (the second (b - 1, b]);
    a duration still running after c seconds is at risk in every step up to ceil(c),
    then leaves the count without ending. S[0] = 1 unless a duration was 0, and
    S[e] = S[e - 1] x (1 - ended in step e / at risk in step e). Without censored
    observations this is the plain empirical survival. Returns (S, known) for
    e = 0..top, top = min(whole seconds of the longest + 1, step_limit); known[e] is how many
    observations are known to last longer than e (the at-risk count of step e + 1),
    so that a caller can tell where the estimate rests on few observations. Past the
    last ended duration S stays flat: unseen ends are not invented.
    """
    durations = list(durations)
    censored = list(censored)
    if not durations and not censored:
        return [1.0], [0]
    ended = [math.ceil(d) for d in durations]
    running = [math.ceil(c) for c in censored]
    top = min(int(max(durations + censored)) + 1, step_limit)
    events = [0] * (top + 2)
    leaving = [0] * (top + 2)
    for bucket in ended:
        events[min(bucket, top + 1)] += 1
    for bucket in running:
        leaving[min(bucket, top + 1)] += 1
    survival = [0.0] * (top + 1)
    known = [0] * (top + 1)
    at_risk = len(ended) + len(running)
    alive = 1.0
    for e in range(top + 1):
        if events[e]:
            alive *= 1.0 - events[e] / at_risk
        # Leaving the count after step e: those ended in it and those censored in it.
        at_risk -= events[e] + leaving[e]
        survival[e] = alive
        known[e] = at_risk
    return survival, known


class DialerStatistics:
    """Everything a pacing policy may learn from the past, fed by the engine or the simulator."""

    def __init__(
        self,
        regulator_window_seconds: float = 24 * 3600.0,
        definition: AbandonDefinition = AbandonDefinition.US,
    ) -> None:
        self.regulator = AbandonWindow(regulator_window_seconds, definition)
        self.last_hour = AbandonWindow(3600.0, definition)
        self.outcomes = OutcomeEstimator()
        self.talk_times = DurationEstimator()
        self.wrap_up_times = DurationEstimator()
        self.dials_total = 0
        self.persons_total = 0
        self.abandons_total = 0
        self.false_positives_total = 0

    def record_dial(self, count: int = 1) -> None:
        """Count calls originated."""
        self.dials_total += count

    def record_resolution(self, now: float, delay_seconds: float, person: bool) -> None:
        """Record how a dial resolved: a person known after delay_seconds, or not a person."""
        self.outcomes.record(now, delay_seconds, person)

    def record_person_answer(self, now: float) -> None:
        """Count a person who answered and is to be put through."""
        self.persons_total += 1
        self.regulator.record_person_answer(now)
        self.last_hour.record_person_answer(now)

    def record_abandon(self, now: float) -> None:
        """Count an abandoned call."""
        self.abandons_total += 1
        self.regulator.record_abandon(now)
        self.last_hour.record_abandon(now)

    def record_false_positive(self, now: float) -> None:
        """Count a person hung up on as a machine (it also counts as a person answer)."""
        self.false_positives_total += 1
        self.record_person_answer(now)
        self.regulator.record_false_positive(now)
        self.last_hour.record_false_positive(now)

    def record_talk_time(self, seconds: float) -> None:
        """Record a connected call's talk, from connect to the customer's hang-up."""
        self.talk_times.record(seconds)

    def record_wrap_up_time(self, seconds: float) -> None:
        """Record a wrap-up, from the hang-up to the operator free again."""
        self.wrap_up_times.record(seconds)
