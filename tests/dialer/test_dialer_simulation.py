"""The simulator, its command line, the benchmark smoke run, and the core's independence."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from zvonar.dialer.core import make_policy
from zvonar.dialer.sim import (
    CustomerModel,
    DialOutcome,
    DialResult,
    OperatorModel,
    Scenario,
    Simulation,
    simulate,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL = Scenario(
    name="small",
    hours=0.5,
    customers=CustomerModel(person_rate=0.25),
    operators=OperatorModel(count=8),
)


def test_core_imports_without_django() -> None:
    """Importing the dialer core and simulator loads no Django module."""
    code = (
        "import sys; import zvonar.dialer.core, zvonar.dialer.sim; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert result.stdout.strip() == "False"


def test_customer_model_draws_its_rates() -> None:
    """Over many dials the outcome shares match the model's parameters."""
    model = CustomerModel(person_rate=0.2)
    rng = random.Random(5)
    outcomes = [model.draw(rng) for _ in range(20_000)]
    share = {r: sum(o.result is r for o in outcomes) / len(outcomes) for r in DialResult}
    assert share[DialResult.FAILED] == pytest.approx(0.04, abs=0.005)
    assert share[DialResult.BUSY] == pytest.approx(0.08, abs=0.006)
    # A few persons let it ring past the timeout.
    assert share[DialResult.PERSON] == pytest.approx(0.2, abs=0.012)
    assert share[DialResult.MACHINE] == pytest.approx(0.05, abs=0.006)
    persons = [o for o in outcomes if o.result is DialResult.PERSON]
    false_positives = sum(not o.classified_person for o in persons) / len(persons)
    assert false_positives == pytest.approx(0.05, abs=0.015)
    assert all(o.resolved_after >= 15.0 for o in outcomes if o.result is DialResult.NO_ANSWER)


def test_same_seed_same_day() -> None:
    """A day is deterministic given its scenario, policy and seed."""
    first = simulate(SMALL, make_policy("predictive"), 3)
    second = simulate(SMALL, make_policy("predictive"), 3)
    assert first.metrics() == second.metrics()


def test_policies_meet_the_same_dial_outcomes() -> None:
    """Dial k has the same outcome under every policy (common random numbers)."""
    drawn: dict[str, list[tuple[str, float]]] = {}
    for name in ("progressive", "power"):
        customers = replace(SMALL.customers)
        seen: list[tuple[str, float]] = []

        def spy(
            rng: random.Random,
            rate: float | None = None,
            customers: CustomerModel = customers,
            seen: list[tuple[str, float]] = seen,
        ) -> DialOutcome:
            outcome = CustomerModel.draw(customers, rng, rate)
            seen.append((outcome.result.value, outcome.talk))
            return outcome

        object.__setattr__(customers, "draw", spy)
        Simulation(replace(SMALL, customers=customers), make_policy(name), 9).run()
        drawn[name] = seen
    shorter = min(len(v) for v in drawn.values())
    assert shorter > 100
    assert drawn["progressive"][:shorter] == drawn["power"][:shorter]


def test_progressive_day_abandons_nobody() -> None:
    """With everyone logged in all day, progressive never abandons a call."""
    day = simulate(SMALL, make_policy("progressive"), 1)
    assert day.persons > 50
    assert day.abandoned == 0
    assert day.connected > 0
    assert 0 < day.occupancy < 1


def test_predictive_beats_progressive_within_the_limit() -> None:
    """On a 20-operator hour predictive talks more than progressive and stays near the target."""
    scenario = replace(SMALL, hours=1.0, operators=OperatorModel(count=20))
    progressive = simulate(scenario, make_policy("progressive"), 2)
    predictive = simulate(scenario, make_policy("predictive"), 2)
    assert predictive.talk_per_hour > 1.2 * progressive.talk_per_hour
    assert predictive.abandon_us < 0.05


def test_waves_day_with_pauses_runs() -> None:
    """Operators logging in and out in waves with pauses still give a consistent day."""
    scenario = Scenario(
        name="waves",
        hours=1.0,
        operators=OperatorModel(count=12, schedule="waves", pause_share=0.1, pause_mean=120),
        answer_drift=0.5,
    )
    day = simulate(scenario, make_policy("predictive"), 4)
    assert day.logged_in_seconds < 12 * 3600
    assert 0 < day.occupancy < 1


def test_scenario_round_trips_through_json() -> None:
    """A scenario written as plain parameters reads back equal."""
    data = json.loads(json.dumps(SMALL.to_dict()))
    assert Scenario.from_dict(data) == SMALL
    with pytest.raises(ValueError, match="unknown scenario fields"):
        Scenario.from_dict({"operatorz": 3})


def test_command_line_prints_metrics_as_json() -> None:
    """python -m zvonar.dialer.sim --json prints one row of metrics per day."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zvonar.dialer.sim",
            "--operators",
            "6",
            "--hours",
            "0.25",
            "--policy",
            "progressive",
            "--days",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    payload = json.loads(result.stdout)
    assert [day["seed"] for day in payload["days"]] == [1, 2]
    assert payload["days"][0]["abandon_us"] == 0.0


def test_benchmark_quick_suite_runs() -> None:
    """bench/pacing.py --suite quick prints the table and JSON with target checks."""
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "pacing.py"),
            "--suite",
            "quick",
            "--seeds",
            "1",
            "--hours",
            "0.5",
            "--jobs",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    payload = json.loads(result.stdout[result.stdout.index("{") :])
    names = {scenario["name"] for scenario in payload["scenarios"]}
    assert names == {"quick-ops5-ans20", "quick-ops20-ans20"}
    policies = payload["scenarios"][1]["policies"]
    assert {"predictive", "progressive", "vicidial-hard-limit", "best-ratio"} <= set(policies)
    assert payload["targets"]
