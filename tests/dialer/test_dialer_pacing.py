"""Pacing policies and the statistics they read."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zvonar.dialer.core import (
    AbandonDefinition,
    AbandonWindow,
    DialerStatistics,
    DurationEstimator,
    PacingPolicy,
    PredictivePolicy,
    Snapshot,
    VicidialAdaptivePolicy,
    make_policy,
    policy_names,
)
from zvonar.dialer.core.stats import kaplan_meier


def snapshot(
    *,
    now: float = 100.0,
    available: int = 0,
    busy: list[float] | None = None,
    wrapping: list[float] | None = None,
    dialing: dict[float, int] | None = None,
    waiting: int = 0,
    paused: int = 0,
    stats: DialerStatistics | None = None,
) -> Snapshot:
    """A snapshot with consistent counts."""
    busy = busy or []
    return Snapshot(
        now=now,
        available=available,
        talking_since=[now - elapsed for elapsed in busy],
        wrap_up_since=[now - elapsed for elapsed in wrapping or []],
        dialing=dialing or {},
        waiting=waiting,
        paused=paused,
        logged_in=available + len(busy) + len(wrapping or []) + paused,
        stats=stats or DialerStatistics(),
    )


def warmed_statistics(seed: int = 1, person_rate: float = 0.2) -> DialerStatistics:
    """Statistics after an hour of plausible history."""
    rng = random.Random(seed)
    stats = DialerStatistics()
    for i in range(2000):
        person = rng.random() < person_rate
        stats.record_dial()
        delay = rng.lognormvariate(2.0, 0.4) + 3 if person else rng.choice([2.0, 4.0, 25.0])
        stats.record_resolution(i * 1.5, delay, person)
        if person:
            stats.record_person_answer(i * 1.5)
    for _ in range(500):
        stats.record_talk_time(rng.lognormvariate(4.5, 0.8))
        stats.record_wrap_up_time(rng.lognormvariate(2.2, 0.5))
    return stats


snapshots = st.builds(
    snapshot,
    available=st.integers(0, 60),
    busy=st.lists(st.floats(0, 2000), max_size=60),
    wrapping=st.lists(st.floats(0, 100), max_size=10),
    dialing=st.dictionaries(st.floats(60, 100), st.integers(1, 20), max_size=10),
    waiting=st.integers(0, 5),
    paused=st.integers(0, 5),
)


@given(snapshots)
def test_progressive_never_exceeds_free_operators(snap: Snapshot) -> None:
    """Progressive keeps calls in flight at most equal to the free operators."""
    started = make_policy("progressive").calls_to_start(snap)
    assert started >= 0
    assert started + snap.calls_in_flight <= max(snap.available, snap.calls_in_flight)
    assert started == max(0, snap.available - snap.calls_in_flight)


@given(snapshots, st.floats(1.0, 20.0))
def test_power_keeps_ratio_times_free_operators_in_flight(snap: Snapshot, ratio: float) -> None:
    """Power tops calls in flight up to ceil(ratio x free operators), never beyond."""
    started = make_policy("power", ratio=ratio).calls_to_start(snap)
    assert started >= 0
    if started:
        assert started + snap.calls_in_flight <= ratio * snap.available + 1


@settings(deadline=None)
@given(snapshots)
def test_predictive_never_starts_fewer_calls_than_progressive(snap: Snapshot) -> None:
    """Whatever the forecast, predictive places at least the progressive number of calls."""
    warm = Snapshot(**{**{f: getattr(snap, f) for f in snap.__slots__}, "stats": STATS})
    progressive = make_policy("progressive").calls_to_start(warm)
    assert make_policy("predictive").calls_to_start(warm) >= progressive


STATS = warmed_statistics()


def test_predictive_is_progressive_while_warming_up() -> None:
    """Without history the predictive policy dials exactly like progressive."""
    snap = snapshot(available=3, busy=[50.0] * 20)
    assert make_policy("predictive").calls_to_start(snap) == 3


def test_predictive_falls_back_to_progressive_with_few_operators() -> None:
    """Below the minimum of active operators predictive does not overdial."""
    snap = snapshot(available=1, busy=[300.0] * 4, stats=STATS)
    assert make_policy("predictive").calls_to_start(snap) == 1


def test_predictive_dials_ahead_for_operators_about_to_free_up() -> None:
    """With operators in wrap-up and none free, predictive already dials; progressive does not."""
    snap = snapshot(
        busy=[float(30 + 7 * i) for i in range(40)], wrapping=[2.0, 4.0, 6.0, 8.0], stats=STATS
    )
    assert make_policy("progressive").calls_to_start(snap) == 0
    assert make_policy("predictive").calls_to_start(snap) > 0


def test_predictive_brakes_when_the_budget_is_spent() -> None:
    """After many abandons in the regulator window, predictive places fewer calls."""
    busy = [float(30 + 7 * i) for i in range(40)]
    wrapping = [2.0, 4.0, 6.0, 8.0]
    relaxed = make_policy("predictive").calls_to_start(
        snapshot(busy=busy, wrapping=wrapping, stats=STATS)
    )
    spent = warmed_statistics()
    for _ in range(200):
        spent.record_abandon(3000.0)
    braked = make_policy("predictive").calls_to_start(
        snapshot(busy=busy, wrapping=wrapping, stats=spent)
    )
    assert braked < relaxed


def test_every_named_policy_follows_the_protocol() -> None:
    """make_policy builds every advertised policy behind the PacingPolicy protocol."""
    for name in policy_names():
        policy = make_policy(name)
        assert isinstance(policy, PacingPolicy)
        assert policy.calls_to_start(snapshot(available=2)) >= 0
    with pytest.raises(ValueError, match="unknown pacing policy"):
        make_policy("telepathic")


def test_vicidial_raises_its_level_while_agents_wait() -> None:
    """VICIdial's adaptive level grows by the ready-agent differential every 15 s up to 3.0."""
    policy = VicidialAdaptivePolicy(mode="hard-limit")
    for second in range(0, 200):
        policy.calls_to_start(snapshot(now=float(second), available=10))
    assert policy.dial_level == pytest.approx(3.0)


def test_vicidial_hard_limit_drops_to_one_over_the_daily_drop_rate() -> None:
    """ADAPT_HARD_LIMIT returns to level 1.0 once today's drops exceed 3 % of answers."""
    stats = DialerStatistics()
    for _ in range(100):
        stats.record_dial()
        stats.record_person_answer(0.0)
    for _ in range(10):
        stats.record_abandon(0.0)
    policy = VicidialAdaptivePolicy(mode="hard-limit", initial_level=2.5)
    for second in range(0, 61):
        policy.calls_to_start(snapshot(now=float(second), stats=stats, available=5))
    assert policy.dial_level == 1.0


def test_abandon_window_rolls_and_counts_both_definitions() -> None:
    """Old events leave the window; UK counts detector false positives, US does not."""
    window_us = AbandonWindow(3600.0, AbandonDefinition.US)
    window_uk = AbandonWindow(3600.0, AbandonDefinition.UK)
    for window in (window_us, window_uk):
        for second in range(100):
            window.record_person_answer(float(second))
            if second == 10:
                window.record_abandon(10.0)
            if second == 20:
                window.record_false_positive(20.0)
                window.record_person_answer(20.0)
    assert window_us.rate(100.0) == pytest.approx(1 / 101)
    assert window_uk.rate(100.0) == pytest.approx(2 / 101)
    assert window_us.counts(3615.0).abandoned == 0
    assert window_us.counts(3615.0).persons == 85


def test_predictive_policy_is_a_dataclass_with_documented_settings() -> None:
    """Settings reach the policy through make_policy keyword arguments."""
    policy = make_policy("predictive", abandon_limit=0.05, margin=0.01)
    assert isinstance(policy, PredictivePolicy)
    assert policy.settings.target == pytest.approx(0.04)


def test_kaplan_meier_matches_a_hand_computed_example() -> None:
    """Ends at 1, 2, 2 and 4 s, one still running at 3 s: S = 1, .8, .4, .4, 0."""
    survival, known = kaplan_meier([1.0, 2.0, 2.0, 4.0], [3.0])
    assert survival == pytest.approx([1.0, 0.8, 0.4, 0.4, 0.0, 0.0])
    assert known == [5, 4, 2, 1, 0, 0]


def test_kaplan_meier_without_censoring_is_the_empirical_survival() -> None:
    """With nothing running the estimate is the duration estimator's plain table."""
    rng = random.Random(3)
    estimator = DurationEstimator()
    for _ in range(300):
        estimator.record(rng.lognormvariate(4.5, 0.9))
    survival, _ = estimator.survival_with_censored((), 900)
    assert survival == pytest.approx(estimator.survival_table(900))


def test_running_talks_lengthen_the_estimate_early_in_the_day() -> None:
    """Only short talks ended yet, many long ones running: the ended alone say 'all short'."""
    ended = [5.0, 6.0, 8.0, 30.0]
    running = [float(40 + i) for i in range(30)]
    naive, _ = kaplan_meier(ended)
    censored, _ = kaplan_meier(ended, running)
    assert naive[31] == 0.0
    assert censored[31] == pytest.approx(1 - 1 / 34 - 1 / 33 - 1 / 32 - 1 / 31, abs=0.01)
    assert censored[60] == censored[31]  # no end seen past 30 s: none invented


@settings(deadline=None)
@given(
    st.lists(st.floats(0, 500), max_size=40),
    st.lists(st.floats(0, 500), max_size=40),
)
def test_kaplan_meier_is_a_nonincreasing_survival(ended: list[float], running: list[float]) -> None:
    """S starts at most 1, never rises, stays in [0, 1]; the known counts never rise either."""
    survival, known = kaplan_meier(ended, running)
    assert len(survival) == len(known)
    assert all(0.0 <= value <= 1.0 for value in survival)
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(survival))
    assert all(a >= b for a, b in itertools.pairwise(known))


@settings(deadline=None)
@given(st.lists(st.floats(0, 500), min_size=1, max_size=40), st.floats(0, 500))
def test_a_running_duration_never_lowers_the_survival(ended: list[float], extra: float) -> None:
    """Adding a duration still running can only make durations look longer (or the same)."""
    base, _ = kaplan_meier(ended, [], 600)
    more, _ = kaplan_meier(ended, [extra], 600)
    for e in range(min(len(base), len(more))):
        assert more[e] >= base[e] - 1e-12


def test_predictive_leaves_warm_up_with_few_ended_talks_when_running_ones_count() -> None:
    """Censored talks let the forecast run before as many talks ended as are running."""
    stats = warmed_statistics()
    fresh = DialerStatistics()
    fresh.outcomes = stats.outcomes
    fresh.persons_total = stats.persons_total
    fresh.dials_total = stats.dials_total
    for seconds in (4.0, 5.0, 6.0, 60.0, 90.0, 100.0):
        fresh.record_talk_time(seconds)
        fresh.record_wrap_up_time(10.0)
    for _ in range(1000):
        fresh.regulator.record_person_answer(0.0)
    busy = [float(10 + 3 * i) for i in range(40)]
    wrapping = [8.0, 9.0, 9.5]
    assert (
        make_policy("predictive", censored_durations=False).calls_to_start(
            snapshot(busy=busy, wrapping=wrapping, stats=fresh)
        )
        == 0
    )
    assert (
        make_policy("predictive").calls_to_start(
            snapshot(busy=busy, wrapping=wrapping, stats=fresh)
        )
        > 0
    )
