"""Pacing policies: from a snapshot of the project's dialer, how many calls to start now."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from zvonar.dialer.core.stats import DialerStatistics


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a pacing policy sees of one project at one instant.

    Any driver (the engine, the simulator, a test) fills these fields; a policy
    reads nothing else, so a policy behaves the same on a real and a virtual clock.

    - ``now``: seconds on the dialer's clock (monotonic; only differences matter).
    - ``available``: operators in AVAILABLE, i.e. ready for a distributed call now.
    - ``busy_elapsed``: for each operator busy with a dialer call (talking or in
      wrap-up), seconds since that call was connected to them.
    - ``dialing``: calls originated and not yet answered or ended, as
      {origination time: number of calls}; grouping by time keeps it small.
    - ``waiting``: answered persons waiting for an operator (the connect clock runs).
    - ``talking``, ``wrap_up``: operators in those states (included in ``busy_elapsed``).
    - ``paused``: operators logged in but not taking calls (pause, do not disturb,
      manual calls).
    - ``logged_in``: operators logged in, whatever their state.
    - ``preview_requests``: operators who pressed Call on a previewed card and
      whose call is not placed yet (preview mode only).
    - ``stats``: rolling estimators of outcomes, handle times and abandons, which
      the driver feeds with every dial, answer, abandon and handle time.
    """

    now: float
    available: int
    busy_elapsed: Sequence[float]
    dialing: Mapping[float, int]
    waiting: int
    talking: int
    wrap_up: int
    paused: int
    logged_in: int
    stats: DialerStatistics
    preview_requests: int = 0

    @property
    def calls_dialing(self) -> int:
        """Calls originated and not yet answered or ended."""
        return sum(self.dialing.values())

    @property
    def calls_in_flight(self) -> int:
        """Calls that may still need an operator: dialing plus waiting."""
        return self.calls_dialing + self.waiting


@runtime_checkable
class PacingPolicy(Protocol):
    """Decides how many calls to originate now; called about once a second."""

    name: str

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """Return how many new calls to originate now (never negative)."""
        ...


@dataclass
class PreviewPolicy:
    """The operator sees the card and presses Call: one call per request."""

    name: str = "preview"

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """Place exactly the calls operators asked for."""
        return max(0, snapshot.preview_requests)


@dataclass
class ProgressivePolicy:
    """One call per free operator, counting calls already in flight."""

    name: str = "progressive"

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """Free operators minus calls in flight."""
        return max(0, snapshot.available - snapshot.calls_in_flight)


@dataclass
class PowerPolicy:
    """A fixed ratio: ceil(ratio x free operators) calls in flight at most."""

    ratio: float = 2.0
    name: str = "power"

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """ceil(ratio x free operators) minus calls in flight."""
        # The epsilon keeps 1.1 x 10 from becoming 12 through binary rounding.
        goal = math.ceil(self.ratio * snapshot.available - 1e-9)
        return max(0, goal - snapshot.calls_in_flight)


@dataclass(frozen=True)
class PredictiveSettings:
    """Tuning of the predictive policy; defaults fit a 3 % regulator limit."""

    abandon_limit: float = 0.03
    # Steer below the limit so that day-to-day noise stays under it.
    margin: float = 0.005
    connect_seconds: float = 2.0
    # Rolling-hour rate above which the policy brakes whatever the daily budget says.
    hour_guard: float = 0.045
    # Below this many logged-in operators a wrong guess costs too much: dial progressively.
    min_operators: int = 6
    warmup_handles: int = 30
    warmup_dials: int = 200
    warmup_persons: int = 20
    refresh_seconds: float = 60.0
    # Busy times beyond this share one conditional probability (the tail's).
    table_seconds: int = 900
    # Abandons over or under budget are paid back over this many person answers.
    payback_persons: int = 400
    # Multiplies the model's expected overflow; >1 is more cautious.
    caution: float = 1.0
    checkpoints: tuple[float, ...] = (0.3, 0.6, 0.9)

    @property
    def target(self) -> float:
        """Abandon rate the policy steers to."""
        return max(0.0, self.abandon_limit - self.margin)


def _normal_excess(mean: float, variance: float) -> float:
    """E[max(X, 0)] for X normal with the given mean and variance."""
    if variance <= 1e-12:
        return max(mean, 0.0)
    sigma = math.sqrt(variance)
    z = mean / sigma
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    return sigma * pdf + mean * cdf


@dataclass
class _Tables:
    """Per-checkpoint lookup tables rebuilt from the estimators every refresh."""

    horizons: list[int]
    # arrive[k][age]: P(a call still ringing at this age gives a person by age + horizon).
    arrive: list[list[float]]
    # free[k][elapsed]: P(an operator busy for elapsed seconds is free by horizon + grace).
    free: list[list[float]]
    built_at: float


@dataclass
class PredictivePolicy:
    """Forecast-based pacing under an abandon budget.

    For a few horizons h (quantiles of the delay from originate to a person
    known), it forecasts persons arriving by h from calls in flight and from n
    new calls, and operators free by h + the connect grace, each operator from
    the empirical handle-time distribution conditioned on the time already
    spent (not an exponential model: past the mean, a lognormal call is likely
    to go on). It starts the largest n whose expected overflow, as a share of
    the arrivals, stays within the rate the abandon budget allows now. The
    budget pays back abandons above or below the target over the regulator's
    window, and a rolling-hour guard brakes early.
    """

    settings: PredictiveSettings = field(default_factory=PredictiveSettings)
    name: str = "predictive"
    _tables: _Tables | None = None
    _versions: tuple[int, int] = (-1, -1)
    last_allowed_rate: float = 0.0

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """Largest n within the abandon budget, never fewer than progressive would start."""
        settings = self.settings
        in_flight = snapshot.calls_in_flight
        floor = max(0, snapshot.available - in_flight)
        stats = snapshot.stats
        if (
            snapshot.logged_in - snapshot.paused < settings.min_operators
            or stats.handle_times.count < settings.warmup_handles
            or stats.outcomes.count < settings.warmup_dials
            or stats.outcomes.persons < settings.warmup_persons
        ):
            return floor
        tables = self._refresh(snapshot)
        allowed = self._allowed_rate(snapshot)
        self.last_allowed_rate = allowed
        now = snapshot.now
        base_free = snapshot.available - snapshot.waiting
        caution = settings.caution
        top = len(tables.free[0]) - 1
        busy_index = [i if i < top else top for i in map(int, snapshot.busy_elapsed)]
        ages = [(int(now - start), count) for start, count in snapshot.dialing.items()]
        per_checkpoint: list[tuple[float, float, float]] = []
        for k in range(len(tables.horizons)):
            free = base_free + sum(map(tables.free[k].__getitem__, busy_index))
            arrive_table = tables.arrive[k]
            last = len(arrive_table) - 1
            arrivals = 0.0
            for age, count in ages:
                if age <= last:
                    arrivals += arrive_table[age] * count
            per_checkpoint.append((arrivals, free, arrive_table[0]))

        def acceptable(n: int) -> bool:
            for arrivals, free, per_call in per_checkpoint:
                expected = arrivals + n * per_call
                # Poisson variances: a little wider than the Bernoulli ones, on the safe side.
                variance = expected + max(free - base_free, 0.0)
                overflow = caution * _normal_excess(expected - free, variance)
                if overflow > allowed * expected:
                    return False
            return True

        if not acceptable(floor):
            return floor
        per_call = min(p for _, _, p in per_checkpoint)
        if per_call <= 0.0:
            return floor
        high = floor + 1
        cap = floor + int(4 * snapshot.logged_in / per_call) + 1
        while high < cap and acceptable(high):
            high = min(cap, high * 2)
        low = floor
        # Invariant: acceptable(low) and (high == cap or not acceptable(high)).
        while high - low > 1:
            middle = (low + high) // 2
            if acceptable(middle):
                low = middle
            else:
                high = middle
        return low

    def _allowed_rate(self, snapshot: Snapshot) -> float:
        settings = self.settings
        target = settings.target
        window = snapshot.stats.regulator.counts(snapshot.now)
        owed = target * window.persons - window.rate * window.persons
        allowed = target + owed / max(window.persons, settings.payback_persons)
        allowed = min(max(allowed, 0.1 * target), 2.0 * target)
        hour = snapshot.stats.last_hour.counts(snapshot.now)
        if hour.persons >= 50 and hour.rate > settings.hour_guard:
            allowed = min(allowed, 0.3 * target)
        return allowed

    def _refresh(self, snapshot: Snapshot) -> _Tables:
        stats = snapshot.stats
        versions = (stats.outcomes.version, stats.handle_times.version)
        tables = self._tables
        if tables is not None and (
            snapshot.now - tables.built_at < self.settings.refresh_seconds
            or versions == self._versions
        ):
            return tables
        self._versions = versions
        tables = _build_tables(stats, self.settings, snapshot.now)
        self._tables = tables
        return tables


def _build_tables(stats: DialerStatistics, settings: PredictiveSettings, now: float) -> _Tables:
    outcomes = stats.outcomes
    persons = outcomes.person_histogram
    resolved = outcomes.resolved_histogram
    total = outcomes.count
    size = len(persons)
    cumulative_persons = [0] * (size + 1)
    cumulative_resolved = [0] * (size + 1)
    for i in range(size):
        cumulative_persons[i + 1] = cumulative_persons[i] + persons[i]
        cumulative_resolved[i + 1] = cumulative_resolved[i] + resolved[i]
    person_total = cumulative_persons[size]
    horizons: list[int] = []
    for quantile in settings.checkpoints:
        goal = quantile * person_total
        horizon = next(i for i in range(size + 1) if cumulative_persons[i] >= goal)
        horizons.append(max(1, horizon))
    survival = stats.handle_times.survival_table(settings.table_seconds)
    samples = stats.handle_times.count
    mean_handle = max(stats.handle_times.mean(), 1.0)
    grace = round(settings.connect_seconds)
    arrive: list[list[float]] = []
    free: list[list[float]] = []
    for horizon in horizons:
        row = []
        for age in range(size):
            unresolved = total - cumulative_resolved[age]
            if unresolved <= 0:
                row.append(0.0)
                continue
            end = min(age + horizon, size)
            row.append((cumulative_persons[end] - cumulative_persons[age]) / unresolved)
        arrive.append(row)
        reach = horizon + grace
        free_row = []
        tail = 1.0 - math.exp(-reach / mean_handle)
        for elapsed in range(len(survival)):
            alive = survival[elapsed]
            # Under 5 samples the empirical tail says nothing; keep the last estimate.
            if alive * samples < 5:
                free_row.append(tail)
                continue
            later = survival[min(elapsed + reach, len(survival) - 1)]
            value = (alive - later) / alive
            free_row.append(value)
            tail = value
        free_row.append(tail)
        free.append(free_row)
    return _Tables(horizons, arrive, free, now)


_POLICIES: dict[str, Any] = {
    "preview": PreviewPolicy,
    "progressive": ProgressivePolicy,
    "power": PowerPolicy,
}


def policy_names() -> list[str]:
    """Names make_policy accepts."""
    from zvonar.dialer.core.vicidial import VICIDIAL_MODES

    return [*_POLICIES, "predictive", *(f"vicidial-{mode}" for mode in VICIDIAL_MODES)]


def make_policy(name: str, **settings: Any) -> PacingPolicy:
    """Build a policy by name: preview, progressive, power, predictive, vicidial-<mode>."""
    if name == "predictive":
        return PredictivePolicy(PredictiveSettings(**settings))
    if name.startswith("vicidial-"):
        from zvonar.dialer.core.vicidial import VicidialAdaptivePolicy

        return VicidialAdaptivePolicy(mode=name.removeprefix("vicidial-"), **settings)
    if name not in _POLICIES:
        raise ValueError(f"unknown pacing policy {name!r}; choose from {policy_names()}")
    policy: PacingPolicy = _POLICIES[name](**settings)
    return policy
