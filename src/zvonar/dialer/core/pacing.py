"""Pacing policies: from a snapshot of the project's dialer, how many calls to start now."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from operator import mul
from typing import Any, Protocol, runtime_checkable

from zvonar.dialer.core.stats import DialerStatistics


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a pacing policy sees of one project at one instant.

    Any driver (the engine, the simulator, a test) fills these fields; a policy
    reads nothing else, so a policy behaves the same on a real and a virtual clock.

    - ``now``: seconds on the dialer's clock (monotonic; only differences matter).
    - ``available``: operators in AVAILABLE, i.e. ready for a distributed call now.
    - ``talking_since``: for each operator talking on a dialer call, the clock
      time the call was connected to them.
    - ``wrap_up_since``: for each operator in wrap-up after a dialer call, the
      clock time the wrap-up began (the customer hung up).
    - ``dialing``: calls originated and not yet answered or ended, as
      {origination time: number of calls}; grouping by time keeps it small.
    - ``waiting``: answered persons waiting for an operator (the connect clock runs).
    - ``paused``: operators logged in but not taking calls (pause, do not disturb,
      manual calls).
    - ``logged_in``: operators logged in, whatever their state.
    - ``preview_requests``: operators who pressed Call on a previewed card and
      whose call is not placed yet (preview mode only).
    - ``stats``: rolling estimators of outcomes, handle times and abandons, which
      the driver feeds with every dial, answer, abandon, talk and wrap-up.

    Collections may be live views owned by the driver: a policy reads them
    only during ``calls_to_start`` and keeps no reference.
    """

    now: float
    available: int
    talking_since: Collection[float]
    wrap_up_since: Collection[float]
    dialing: Mapping[float, int]
    waiting: int
    paused: int
    logged_in: int
    stats: DialerStatistics
    preview_requests: int = 0

    @property
    def talking(self) -> int:
        """Operators talking on a dialer call."""
        return len(self.talking_since)

    @property
    def wrap_up(self) -> int:
        """Operators in wrap-up after a dialer call."""
        return len(self.wrap_up_since)

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
    # Steer below the limit so that day-to-day noise stays under it: at least ``margin``,
    # more while the window holds few answers (noise_margin / sqrt(answers / limit)).
    margin: float = 0.001
    noise_margin: float = 1.2
    # The noise margin is taken for at least this many person answers: early in the day an
    # overshoot is paid back over the rest of it, so the window's few answers need not
    # make the policy progressive (0: the margin of the answers so far, however few).
    planning_persons: int = 1000
    connect_seconds: float = 2.0
    # Rolling-hour rate the policy keeps well away from: it brakes progressively once the
    # last hour is above hour_brake_from, whatever the daily budget says.
    hour_guard: float = 0.05
    hour_brake_from: float = 0.035
    # The rolling hour is trusted from this many person answers on.
    hour_min_persons: int = 20
    # Below this many operators taking calls a wrong guess costs too much: dial progressively.
    min_operators: int = 6
    warmup_handles: int = 5
    # Count the talks and wrap-ups still running as censored durations (Kaplan-Meier) while
    # the estimators hold every duration ended so far, i.e. early in the day: the first to
    # end are the short ones. Without it, warm-up waits until as many talks ended as run.
    censored_durations: bool = True
    # Tables are rebuilt this often while the censored durations are counted.
    warmup_refresh_seconds: float = 10.0
    warmup_dials: int = 100
    warmup_persons: int = 20
    # Forecasts run this often; between them only free operators get calls, as progressive.
    decision_seconds: float = 2.0
    refresh_seconds: float = 120.0
    # Busy times beyond this share one conditional probability (the tail's).
    table_seconds: int = 900
    # Abandons over or under budget are paid back over this many person answers.
    payback_persons: int = 400
    # Calls beyond progressive per decision: at most burst_growth x the recent pace, and
    # at least minimum_burst.
    burst_growth: float = 4.0
    minimum_burst: int = 4
    # Time constant of the recent dialing rate, seconds.
    rate_seconds: float = 30.0
    # Count the arrivals of calls the next ticks will place at the recent rate.
    anticipate: bool = True
    # Half-life, in person answers, of the calibration of the model's risk to real abandons.
    calibration_persons: int = 2000
    # Weight, in person answers, of the prior belief about realized abandons per unit of
    # modelled risk (below 1: the model is pessimistic, it ignores waiting callers' grace).
    calibration_prior: int = 300
    prior_gain: float = 0.5
    # Quantiles of the delay to a person answer where arrivals and frees are compared.
    checkpoints: tuple[float, ...] = (0.25, 0.75)

    @property
    def target(self) -> float:
        """Abandon rate the policy steers to with no history."""
        return max(0.0, self.abandon_limit - self.margin)

    def target_for(self, persons: int) -> float:
        """Abandon rate to steer to when the window holds this many person answers."""
        persons = max(persons, self.planning_persons, 1)
        noise = self.noise_margin * math.sqrt(self.abandon_limit / persons)
        return max(0.0, self.abandon_limit - max(self.margin, noise))


_SQRT2 = math.sqrt(2.0)


@dataclass
class _Tables:
    """Per-checkpoint lookup tables rebuilt from the estimators every refresh."""

    horizons: list[int]
    # arrive[k][age]: P(a call still ringing at this age gives a person by age + horizon).
    arrive: list[list[float]]
    # free_talking[k][elapsed]: P(an operator talking for elapsed seconds is free by
    # horizon + grace), the wrap-up counted at its median.
    free_talking: list[list[float]]
    # free_wrap_up[k][elapsed]: the same for an operator in wrap-up for elapsed seconds.
    free_wrap_up: list[list[float]]
    arrive_variance: list[list[float]]
    free_wrap_up_variance: list[list[float]]
    # ahead[k]: persons arriving by horizon k per call-per-second placed from now on.
    ahead: list[float]
    built_at: float

    @property
    def talking_top(self) -> int:
        """Last index of the talking tables."""
        return len(self.free_talking[0]) - 1

    @property
    def wrap_up_top(self) -> int:
        """Last index of the wrap-up tables."""
        return len(self.free_wrap_up[0]) - 1

    @property
    def age_top(self) -> int:
        """Last index of the arrival tables (a zero beyond the longest delay)."""
        return len(self.arrive[0]) - 1


@dataclass
class PredictivePolicy:
    """Forecast-based pacing under an abandon budget.

    A new call's person arrives after a delay d (originate to person known).
    At two quantiles h of d, the policy forecasts persons arriving by h (calls
    ringing, by their age; n new calls; the calls the next ticks will place at
    the recent rate) and operators free by h plus the connect grace. A talking
    operator frees with the empirical talk-time distribution conditioned on the
    time already talked, plus the median wrap-up; an operator in wrap-up with
    the wrap-up distribution conditioned likewise. Empirical conditionals, not
    an exponential release model: past the mean, a lognormal call is likely to
    go on, while an operator in wrap-up is nearly certain to be free soon.

    The chance that the n-th call's person finds nobody is the mean over h of
    P(others arrived >= operators free), normal approximation; calls are placed
    while that marginal risk stays under a threshold. The threshold is the
    abandon rate the budget allows now (abandons above or below the target of
    the regulator's window are paid back over the next few hundred answers; a
    bad rolling hour brakes), divided by a gain learnt from realized abandons
    per unit of risk allowed, so the model's bias is calibrated away.
    Early in the day talks and wrap-ups still running count as censored
    durations (Kaplan-Meier), so the first, short, talks to end do not make
    everyone look about to hang up.
    Warm-up, fewer than ``min_operators`` and the instants between forecasts
    fall back to progressive, which the policy never undercuts.
    """

    settings: PredictiveSettings = field(default_factory=PredictiveSettings)
    name: str = "predictive"
    _tables: _Tables | None = None
    _versions: tuple[int, int] = (-1, -1)
    last_threshold: float = 0.0
    gain: float = 1.0
    _dial_rate: float = 0.0
    _last_rate_at: float = -1e18
    _last_dials: int = 0
    _seen: tuple[int, int] = (0, 0)
    _last_decision: float = -1e18
    _risk_sum: float = 0.0
    _abandon_sum: float = 0.0

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """Most calls whose last one stays within the allowed risk; never fewer than progressive."""
        settings = self.settings
        floor = max(0, snapshot.available - snapshot.calls_in_flight)
        stats = snapshot.stats
        if (
            snapshot.logged_in - snapshot.paused < settings.min_operators
            # The first talks to end are the short ones. Counting the running ones as
            # censored (Kaplan-Meier) corrects that; without it, wait until as many have
            # ended as are running, or the forecast thinks everyone is about to hang up.
            or stats.talk_times.count
            < (
                settings.warmup_handles
                if settings.censored_durations
                else max(settings.warmup_handles, snapshot.talking)
            )
            or stats.wrap_up_times.count < settings.warmup_handles
            or stats.outcomes.count < settings.warmup_dials
            or stats.outcomes.persons < settings.warmup_persons
        ):
            return floor
        if snapshot.now - self._last_decision < settings.decision_seconds:
            return floor
        self._last_decision = snapshot.now
        tables = self._refresh(snapshot)
        threshold = self._threshold(snapshot)
        self._update_dial_rate(snapshot)
        now = snapshot.now
        base_free = snapshot.available - snapshot.waiting
        talking_index = _indices(now, snapshot.talking_since, tables.talking_top)
        talking_count = max(len(talking_index), 1)
        wrap_index = _indices(now, snapshot.wrap_up_since, tables.wrap_up_top)
        age_index = _indices(now, snapshot.dialing.keys(), tables.age_top)
        counts = list(snapshot.dialing.values())
        bins: list[tuple[float, float, float, float]] = []
        for k in range(len(tables.horizons)):
            talk_freeing = sum(map(tables.free_talking[k].__getitem__, talking_index))
            wrap_freeing = sum(map(tables.free_wrap_up[k].__getitem__, wrap_index))
            arrive_table = tables.arrive[k]
            arrivals = sum(map(mul, map(arrive_table.__getitem__, age_index), counts))
            variance = sum(map(mul, map(tables.arrive_variance[k].__getitem__, age_index), counts))
            # Calls the next ticks will place arrive partly before h and take operators too.
            future = self._dial_rate * tables.ahead[k]
            arrivals += future
            # Bernoulli variances; talking operators' from their mean chance of freeing.
            variance += future + talk_freeing * (1.0 - talk_freeing / talking_count)
            variance += sum(map(tables.free_wrap_up_variance[k].__getitem__, wrap_index))
            first = arrive_table[0]
            excess = arrivals - base_free - talk_freeing - wrap_freeing
            bins.append((excess, variance, first * (1.0 - first), first))
        weight = 1.0 / len(bins)

        def risk(n: int) -> float:
            # The n-th call's person, arriving at h, finds nobody when the others who
            # arrived by h are at least the operators free by h + grace (continuity +0.5).
            total = 0.0
            for excess, variance, per_call_variance, per_call in bins:
                others = (n - 1) * per_call
                spread = math.sqrt(variance + (n - 1) * per_call_variance + 0.25)
                total += 1.0 + math.erf((excess + others + 0.5) / (spread * _SQRT2))
            return 0.5 * total * weight

        per_call = min(p for _, _, _, p in bins)
        if per_call <= 0.0 or risk(floor + 1) > threshold:
            return floor
        low, high = floor + 1, floor + 2
        # Slow start: at most double the recent pace per decision, so that a model gone
        # wrong (a change of regime, a biased sample) costs a few calls, not a flood.
        recent = self._dial_rate * settings.decision_seconds
        burst = max(settings.minimum_burst, math.ceil(settings.burst_growth * recent))
        cap = floor + min(int(4 * snapshot.logged_in / per_call) + 2, burst)
        if cap <= low:
            return low
        while high < cap and risk(high) <= threshold:
            low, high = high, min(cap, 2 * high)
        if high == cap and risk(cap) <= threshold:
            return cap
        # Invariant: the low-th call is within the risk, the high-th is not (or high is the cap).
        while high - low > 1:
            middle = (low + high) // 2
            if risk(middle) <= threshold:
                low = middle
            else:
                high = middle
        return low

    def _update_dial_rate(self, snapshot: Snapshot) -> None:
        dials = snapshot.stats.dials_total
        elapsed = snapshot.now - self._last_rate_at
        if elapsed > 0 and self._last_rate_at > -1e17:
            recent = (dials - self._last_dials) / elapsed
            weight = min(1.0, elapsed / self.settings.rate_seconds)
            self._dial_rate += weight * (recent - self._dial_rate)
        self._last_rate_at = snapshot.now
        self._last_dials = dials

    def _threshold(self, snapshot: Snapshot) -> float:
        # The model's risks are biased by an unknown factor (timing inside a horizon, the
        # normal tails); the realized abandons per unit of risk allowed calibrate it.
        settings = self.settings
        persons = snapshot.stats.persons_total
        abandons = snapshot.stats.abandons_total
        new_persons = persons - self._seen[0]
        new_abandons = abandons - self._seen[1]
        self._seen = (persons, abandons)
        decay = 0.5 ** (new_persons / settings.calibration_persons) if new_persons else 1.0
        self._risk_sum = self._risk_sum * decay + self.last_threshold * new_persons
        self._abandon_sum = self._abandon_sum * decay + new_abandons
        prior = settings.calibration_prior * settings.target
        gain = (self._abandon_sum + prior * settings.prior_gain) / (self._risk_sum + prior)
        gain = min(max(gain, 0.25), 4.0)
        self.gain = gain
        threshold = self._allowed_rate(snapshot) / gain
        self.last_threshold = threshold
        return threshold

    def _allowed_rate(self, snapshot: Snapshot) -> float:
        settings = self.settings
        window = snapshot.stats.regulator.counts(snapshot.now)
        target = settings.target_for(window.persons)
        owed = target * window.persons - window.rate * window.persons
        allowed = target + owed / max(window.persons, settings.payback_persons)
        allowed = min(max(allowed, 0.1 * target), 2.0 * target)
        hour = snapshot.stats.last_hour.counts(snapshot.now)
        start = settings.hour_brake_from
        if (
            hour.persons >= settings.hour_min_persons
            and hour.rate > start
            and settings.hour_guard > start
        ):
            # Brake harder the closer the rolling hour gets to the guard, so that a bad
            # streak never makes a bad hour.
            room = (settings.hour_guard - hour.rate) / (settings.hour_guard - start)
            allowed = min(allowed, target * max(0.1, room))
        return allowed

    def _refresh(self, snapshot: Snapshot) -> _Tables:
        stats = snapshot.stats
        settings = self.settings
        versions = (stats.outcomes.version, stats.talk_times.version)
        censoring = settings.censored_durations and not stats.talk_times.full
        every = settings.warmup_refresh_seconds if censoring else settings.refresh_seconds
        tables = self._tables
        if tables is not None and (
            snapshot.now - tables.built_at < every or versions == self._versions
        ):
            return tables
        self._versions = versions
        now = snapshot.now
        talking: list[float] = []
        wrapping: list[float] = []
        if censoring:
            talking = [now - start for start in snapshot.talking_since]
            if not stats.wrap_up_times.full:
                wrapping = [now - start for start in snapshot.wrap_up_since]
        tables = _build_tables(stats, settings, now, talking, wrapping)
        self._tables = tables
        return tables


def _indices(now: float, starts: Collection[float], top: int) -> list[int]:
    """Whole seconds elapsed since each start, capped at a table's last index."""
    index = [int(now - start) for start in starts]
    if index and max(index) > top:
        return [i if i < top else top for i in index]
    return index


def _conditional_ends(survival: list[float], known: list[int], reach: int) -> list[float]:
    """[P(a duration already e long ends within reach more seconds) for e in the table].

    ``known[e]`` is how many observations are known to last longer than e.
    """
    length = len(survival)
    # Under 5 observations left the tail says nothing; keep the last reliable estimate.
    reliable = sum(1 for count in known if count >= 5)
    shifted = survival[reach:] + [survival[-1]] * min(reach, length)
    row = [
        (alive - later) / alive for alive, later in zip(survival[:reliable], shifted, strict=False)
    ]
    tail = row[-1] if row else 0.0
    row.extend([tail] * (length + 1 - len(row)))
    return row


def _build_tables(
    stats: DialerStatistics,
    settings: PredictiveSettings,
    now: float,
    talking: Collection[float] = (),
    wrapping: Collection[float] = (),
) -> _Tables:
    """Lookup tables from the estimators; talking and wrapping: elapsed times still running."""
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
    talk_survival, talk_known = stats.talk_times.survival_with_censored(
        talking, settings.table_seconds
    )
    wrap_survival, wrap_known = stats.wrap_up_times.survival_with_censored(
        wrapping, settings.table_seconds
    )
    wrap_median = stats.wrap_up_times.median()
    grace = round(settings.connect_seconds)
    arrive: list[list[float]] = []
    free_talking: list[list[float]] = []
    free_wrap_up: list[list[float]] = []
    for horizon in horizons:
        row = []
        for age in range(size):
            unresolved = total - cumulative_resolved[age]
            end = min(age + horizon, size)
            arriving = cumulative_persons[end] - cumulative_persons[age]
            row.append(arriving / unresolved if unresolved > 0 else 0.0)
        row.append(0.0)
        arrive.append(row)
        reach = horizon + grace
        free_talking.append(
            _conditional_ends(talk_survival, talk_known, max(0, reach - wrap_median))
        )
        free_wrap_up.append(_conditional_ends(wrap_survival, wrap_known, reach))
    ahead = [
        sum(cumulative_persons[min(horizon - start, size)] for start in range(1, horizon)) / total
        if settings.anticipate and total
        else 0.0
        for horizon in horizons
    ]
    return _Tables(
        horizons=horizons,
        arrive=arrive,
        free_talking=free_talking,
        free_wrap_up=free_wrap_up,
        arrive_variance=[[p * (1.0 - p) for p in row] for row in arrive],
        free_wrap_up_variance=[[p * (1.0 - p) for p in row] for row in free_wrap_up],
        ahead=ahead,
        built_at=now,
    )


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
