"""Pacing benchmark: predictive against progressive, VICIdial's adaptive modes and the best ratio."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zvonar.dialer.core.pacing import make_policy
from zvonar.dialer.sim.scenario import Scenario, quick_suite, standard_suite
from zvonar.dialer.sim.simulation import simulate

BASELINES = (
    "predictive",
    "progressive",
    "vicidial-hard-limit",
    "vicidial-tapered",
    "vicidial-average",
)
BEST_RATIO = "best-ratio"
RATIOS = [round(1.0 + 0.1 * i, 1) for i in range(191)]
ABANDON_LIMIT = 0.03
Task = tuple[dict[str, Any], str, float, int]


def run_day(task: Task) -> dict[str, float]:
    """Simulate one (scenario, policy, seed) day and return its metrics and run time."""
    scenario_data, policy_name, ratio, seed = task
    scenario = Scenario.from_dict(scenario_data)
    if policy_name == "power":
        policy = make_policy("power", ratio=ratio)
    elif policy_name == "predictive":
        policy = make_policy("predictive", abandon_limit=scenario.abandon_limit)
    else:
        policy = make_policy(policy_name)
    started = time.perf_counter()
    day = simulate(scenario, policy, seed)
    metrics = day.metrics()
    metrics["seconds"] = time.perf_counter() - started
    return metrics


def percentile(values: Sequence[float], share: float) -> float:
    """Linear-interpolated percentile of a small sample."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Aggregate:
    """One policy's days in one scenario, summarised across seeds."""

    days: list[dict[str, float]]
    ratio: float | None = None

    def mean(self, key: str) -> float:
        """Mean of a daily metric."""
        return statistics.fmean(day[key] for day in self.days)

    def p95(self, key: str) -> float:
        """95th percentile of a daily metric across seeds."""
        return percentile([day[key] for day in self.days], 0.95)

    def maximum(self, key: str) -> float:
        """Largest daily value."""
        return max(day[key] for day in self.days)

    def abandon_p95(self, definition: str) -> float:
        """95th percentile of the daily abandon rate in the run's definition."""
        return self.p95(f"abandon_{definition}")

    def summary(self) -> dict[str, float | None]:
        """Plain figures for the JSON output."""
        return {
            "ratio": self.ratio,
            "talk_per_hour": self.mean("talk_per_hour"),
            "occupancy": self.mean("occupancy"),
            "abandon_us_mean": self.mean("abandon_us"),
            "abandon_us_p95": self.p95("abandon_us"),
            "abandon_uk_mean": self.mean("abandon_uk"),
            "abandon_uk_p95": self.p95("abandon_uk"),
            "worst_hour_mean": self.mean("worst_hour_abandon"),
            "worst_hour_max": self.maximum("worst_hour_abandon"),
            "idle_gap_median": self.mean("idle_gap_median"),
            "idle_gap_p90": self.mean("idle_gap_p90"),
            "dials_per_hour": self.mean("dials_per_hour"),
            "seconds_per_day": self.mean("seconds"),
        }


@dataclass
class ScenarioResult:
    """Every policy's aggregate in one scenario."""

    scenario: Scenario
    policies: dict[str, Aggregate] = field(default_factory=dict)

    @property
    def definition(self) -> str:
        """Abandon definition this scenario is judged by."""
        return self.scenario.definition


def run_tasks(
    tasks: list[Task], jobs: int, progress: Callable[[str], None]
) -> list[dict[str, float]]:
    """Run days in parallel (or in this process for one job), keeping the order."""
    if jobs <= 1:
        results = []
        for index, task in enumerate(tasks):
            results.append(run_day(task))
            if index % 20 == 19:
                progress(f"  {index + 1}/{len(tasks)} days")
        return results
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_day, tasks, chunksize=1))


def search_best_ratio(
    results: list[ScenarioResult],
    seeds: list[int],
    jobs: int,
    progress: Callable[[str], None],
) -> None:
    """Per scenario, the highest ratio R (1.0-20.0 by 0.1) whose p95 daily abandon is <= 3 %.

    Talk time grows with R and so does the abandon rate. The search probes a guess
    from the answer rate and team size, steps by 20 % until the limit is bracketed,
    then bisects on the grid; all scenarios probe in lockstep so rounds run in parallel.
    """
    low = {id(r): 0 for r in results}  # index of a ratio known feasible
    high = {id(r): len(RATIOS) for r in results}  # first index known infeasible
    tried: dict[tuple[int, int], Aggregate] = {}
    for result in results:
        progressive = result.policies.get("progressive")
        if progressive is not None:
            # ceil(1.0 x free) - in flight is exactly progressive: no need to run it again.
            tried[(id(result), 0)] = Aggregate(progressive.days, RATIOS[0])

    def index_of(ratio: float) -> int:
        return min(len(RATIOS) - 1, max(0, round((ratio - RATIOS[0]) / 0.1)))

    def next_probe(result: ScenarioResult) -> int | None:
        key = id(result)
        if (key, low[key]) not in tried:
            return low[key]
        if high[key] - low[key] <= 1:
            return None
        if low[key] == 0 and high[key] == len(RATIOS):
            # Fitted on earlier runs: the best ratio grows with log(team) over the answer rate.
            count = result.scenario.operators.count
            rate = result.scenario.customers.person_rate
            guess = index_of(max(1.1, (0.435 * math.log(count) - 0.48) / rate))
            if (key, guess) not in tried:
                return guess
        if high[key] == len(RATIOS):
            step = index_of(RATIOS[low[key]] * 1.2)
            return max(step, low[key] + 1)
        if low[key] == 0 and (key, index_of(RATIOS[high[key]] / 1.2)) not in tried:
            return min(index_of(RATIOS[high[key]] / 1.2), high[key] - 1)
        return (low[key] + high[key]) // 2

    while True:
        probes = []
        for result in results:
            probe = next_probe(result)
            if probe is not None:
                probes.append((result, probe))
        if not probes:
            break
        tasks = [
            (result.scenario.to_dict(), "power", RATIOS[index], seed)
            for result, index in probes
            for seed in seeds
        ]
        progress(f"ratio search: {len(probes)} probes, {len(tasks)} days")
        days = run_tasks(tasks, jobs, progress)
        for number, (result, index) in enumerate(probes):
            chunk = days[number * len(seeds) : (number + 1) * len(seeds)]
            aggregate = Aggregate(chunk, RATIOS[index])
            key = id(result)
            tried[(key, index)] = aggregate
            if aggregate.abandon_p95(result.definition) <= ABANDON_LIMIT:
                low[key] = max(low[key], index)
            else:
                high[key] = min(high[key], index)
    for result in results:
        key = id(result)
        feasible = [
            aggregate
            for (owner, _), aggregate in tried.items()
            if owner == key and aggregate.abandon_p95(result.definition) <= ABANDON_LIMIT
        ]
        if feasible:
            result.policies[BEST_RATIO] = max(feasible, key=lambda a: a.mean("talk_per_hour"))


def run_suite(
    scenarios: list[Scenario],
    policies: list[str],
    seeds: list[int],
    jobs: int,
    progress: Callable[[str], None],
) -> list[ScenarioResult]:
    """Every scenario under every policy and seed, plus the best-ratio search."""
    results = [ScenarioResult(scenario) for scenario in scenarios]
    plain = [name for name in policies if name != BEST_RATIO]
    tasks = [
        (result.scenario.to_dict(), name, 0.0, seed)
        for result in results
        for name in plain
        for seed in seeds
    ]
    progress(f"{len(tasks)} days for {', '.join(plain)}")
    days = run_tasks(tasks, jobs, progress)
    position = 0
    for result in results:
        for name in plain:
            result.policies[name] = Aggregate(days[position : position + len(seeds)])
            position += len(seeds)
    if BEST_RATIO in policies:
        search_best_ratio(results, seeds, jobs, progress)
    return results


def _pct(value: float) -> str:
    return f"{value * 100:.2f}"


def table_rows(results: Iterable[ScenarioResult]) -> list[list[str]]:
    """The measured table, one row per scenario and policy."""
    rows = []
    for result in results:
        scenario = result.scenario
        for name, aggregate in result.policies.items():
            label = f"{name} (R={aggregate.ratio})" if aggregate.ratio is not None else name
            rows.append(
                [
                    scenario.name,
                    label,
                    f"{aggregate.mean('talk_per_hour'):.2f}",
                    f"{aggregate.mean('occupancy') * 100:.1f}",
                    f"{_pct(aggregate.mean('abandon_us'))} / {_pct(aggregate.p95('abandon_us'))}",
                    f"{_pct(aggregate.mean('abandon_uk'))} / {_pct(aggregate.p95('abandon_uk'))}",
                    f"{_pct(aggregate.mean('worst_hour_abandon'))}"
                    f" / {_pct(aggregate.maximum('worst_hour_abandon'))}",
                    f"{aggregate.mean('idle_gap_median'):.1f} / {aggregate.mean('idle_gap_p90'):.1f}",
                    f"{aggregate.mean('dials_per_hour'):.1f}",
                ]
            )
        rows.append([scenario.name, "physical limit", f"{scenario.physical_limit:.2f}"] + [""] * 6)
    return rows


HEADER = [
    "scenario",
    "policy",
    "talk min/op-h",
    "occupancy %",
    "abandon US % mean / p95",
    "abandon UK % mean / p95",
    "worst hour % mean / max",
    "idle gap s median / p90",
    "dials/op-h",
]


def format_text(rows: list[list[str]]) -> str:
    """A fixed-width table for the terminal."""
    widths = [max(len(str(row[i])) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(HEADER))]
    lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    return "\n".join(lines)


def format_markdown(rows: list[list[str]]) -> str:
    """The same table in Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def check_targets(results: list[ScenarioResult]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured figure and whether it is met."""
    checks: list[dict[str, Any]] = []

    def add(scenario: str, target: str, figure: str, met: bool, info: bool = False) -> None:
        checks.append(
            {"scenario": scenario, "target": target, "figure": figure, "met": met, "info": info}
        )

    for result in results:
        scenario = result.scenario
        name = scenario.name
        predictive = result.policies.get("predictive")
        if predictive is None:
            continue
        operators = scenario.operators.count
        definition = result.definition
        p95 = predictive.abandon_p95(definition)
        add(
            name,
            f"predictive p95 daily abandon ({definition.upper()}) <= 3.0 %",
            f"{p95 * 100:.2f} %",
            p95 <= ABANDON_LIMIT,
        )
        talk = predictive.mean("talk_per_hour")
        if operators >= 10:
            worst = predictive.maximum("worst_hour_abandon")
            add(name, "worst rolling hour <= 6 %", f"{worst * 100:.2f} %", worst <= 0.06)
        progressive = result.policies.get("progressive")
        if operators <= 5 and progressive is not None:
            base = progressive.mean("talk_per_hour")
            add(
                name,
                "<= 5 operators: talk >= progressive",
                f"{talk:.2f} vs {base:.2f}",
                talk >= base,
            )
        if operators < 20:
            continue
        best = result.policies.get(BEST_RATIO)
        if best is not None:
            base = best.mean("talk_per_hour")
            add(
                name,
                f"talk >= 1.03 x best fixed ratio (R={best.ratio})",
                f"{talk:.2f} vs {base:.2f} = {talk / base:.3f} x",
                talk >= 1.03 * base,
            )
        modes = {k: v for k, v in result.policies.items() if k.startswith("vicidial-")}
        if modes:
            within = {k: v for k, v in modes.items() if v.abandon_p95(definition) <= ABANDON_LIMIT}
            pool = within or modes
            mode, aggregate = max(pool.items(), key=lambda item: item[1].mean("talk_per_hour"))
            base = aggregate.mean("talk_per_hour")
            mode_p95 = aggregate.abandon_p95(definition) * 100
            note = "within the limit" if within else f"none within; best mode, p95 {mode_p95:.1f} %"
            add(
                name,
                f"talk >= 1.3 x VICIdial ({mode}, {note})",
                f"{talk:.2f} vs {base:.2f} = {talk / base:.3f} x",
                talk >= 1.3 * base,
            )
            if not within:
                # The best-talking mode may owe its talk to a breach many times the limit;
                # the mode closest to the limit is the fairer yardstick, reported alongside.
                mode, aggregate = min(
                    modes.items(), key=lambda item: item[1].abandon_p95(definition)
                )
                base = aggregate.mean("talk_per_hour")
                mode_p95 = aggregate.abandon_p95(definition) * 100
                add(
                    name,
                    f"(info) talk >= 1.3 x VICIdial mode closest to the limit "
                    f"({mode}, p95 {mode_p95:.1f} %)",
                    f"{talk:.2f} vs {base:.2f} = {talk / base:.3f} x",
                    talk >= 1.3 * base,
                    info=True,
                )
        if scenario.operators.schedule == "all" and not scenario.answer_drift:
            share = {20: 0.90, 100: 0.96}.get(operators)
            if share is not None:
                limit = scenario.physical_limit
                add(
                    name,
                    f">= {share:.0%} of the physical limit",
                    f"{talk:.2f} / {limit:.2f} = {talk / limit:.1%}",
                    talk >= share * limit,
                )
    return checks


def machine_description() -> str:
    """Where the figures were measured."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally write) its tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suite", choices=("standard", "quick"), default="standard")
    parser.add_argument("--scenario", type=Path, help="JSON file of scenario parameters")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--policy",
        action="append",
        help=f"limit to these policies (repeat or comma-separate): {', '.join(BASELINES)}, "
        f"{BEST_RATIO}",
    )
    parser.add_argument("--no-amd", action="store_true", help="detection off, UK definition")
    parser.add_argument("--hours", type=float, help="override the length of the day")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print JSON results after the table")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args(argv)

    if args.scenario:
        scenarios = [Scenario.from_dict(json.loads(args.scenario.read_text()))]
    elif args.suite == "quick":
        scenarios = quick_suite()
    else:
        scenarios = standard_suite()
    if args.hours:
        scenarios = [replace(s, hours=args.hours) for s in scenarios]
    if args.no_amd:
        scenarios = [s.without_amd() for s in scenarios]
    policies = [*BASELINES, BEST_RATIO]
    if args.policy:
        policies = [name for item in args.policy for name in item.split(",") if name]
    seeds = list(range(1, args.seeds + 1))

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    results = run_suite(scenarios, policies, seeds, args.jobs, progress)
    elapsed = time.perf_counter() - started
    rows = table_rows(results)
    checks = check_targets(results)
    print(format_text(rows))
    scored = [check for check in checks if not check["info"]]
    met = sum(1 for check in scored if check["met"])
    print(f"\ntargets met: {met}/{len(scored)}; {elapsed:.0f} s on {machine_description()}")
    for check in scored:
        if not check["met"]:
            print(f"  MISSED {check['scenario']}: {check['target']}: {check['figure']}")
    if args.markdown:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        target_lines = [
            f"| {c['scenario']} | {c['target']} | {c['figure']} | {'yes' if c['met'] else 'NO'} |"
            for c in checks
        ]
        timing = [
            f"| {result.scenario.name} | {name} | {aggregate.mean('seconds'):.2f} |"
            for result in results
            if result.scenario.operators.count >= 100
            for name, aggregate in result.policies.items()
        ]
        args.markdown.write_text(
            f"Measured {stamp} on {machine_description()}; suite {args.suite}, "
            f"{len(seeds)} seeds, detection {'off' if args.no_amd else 'on'}, "
            f"{elapsed:.0f} s wall with {args.jobs} jobs.\n\n{format_markdown(rows)}\n\n"
            f"Targets: {met}/{len(scored)} met (info lines not counted).\n\n"
            "| scenario | target | measured | met |\n|---|---|---|---|\n"
            + "\n".join(target_lines)
            + "\n\nSeconds per simulated day (one process):\n\n"
            "| scenario | policy | s/day |\n|---|---|---|\n" + "\n".join(timing) + "\n"
        )
    if args.json:
        payload = {
            "suite": args.suite,
            "seeds": len(seeds),
            "amd": not args.no_amd,
            "machine": machine_description(),
            "seconds": elapsed,
            "scenarios": [
                {
                    "name": result.scenario.name,
                    "scenario": result.scenario.to_dict(),
                    "physical_limit": result.scenario.physical_limit,
                    "policies": {k: v.summary() for k, v in result.policies.items()},
                }
                for result in results
            ],
            "targets": checks,
        }
        print(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
