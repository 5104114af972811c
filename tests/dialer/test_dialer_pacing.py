"""Pacing policies and the statistics they read."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zvonar.dialer.core import (
    AbandonDefinition,
    AbandonWindow,
    DialerStatistics,
    PacingPolicy,
    PredictivePolicy,
    Snapshot,
    VicidialAdaptivePolicy,
    make_policy,
    policy_names,
)


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
