"""Command line: simulate one or more days of a project under a pacing policy."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from zvonar.dialer.core.pacing import make_policy, policy_names
from zvonar.dialer.sim.customer import CustomerModel
from zvonar.dialer.sim.scenario import OperatorModel, Scenario
from zvonar.dialer.sim.simulation import simulate


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``python -m zvonar.dialer.sim``."""
    parser = argparse.ArgumentParser(prog="python -m zvonar.dialer.sim", description=__doc__)
    parser.add_argument("--scenario", type=Path, help="JSON file of scenario parameters")
    parser.add_argument("--operators", type=int, default=20)
    parser.add_argument("--answer-rate", type=float, default=0.2, help="person-answer rate")
    parser.add_argument("--talk-mean", type=float, default=120.0)
    parser.add_argument("--wrap-up-mean", type=float, default=10.0)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--no-amd", action="store_true", help="no answering-machine detection")
    parser.add_argument("--policy", default="predictive", choices=policy_names())
    parser.add_argument("--ratio", type=float, default=2.0, help="ratio of the power policy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=1, help="days, seeds seed..seed+days-1")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the days and print their metrics."""
    args = build_parser().parse_args(argv)
    if args.scenario:
        scenario = Scenario.from_dict(json.loads(args.scenario.read_text()))
    else:
        scenario = Scenario(
            name=f"ops{args.operators}-ans{round(args.answer_rate * 100)}",
            hours=args.hours,
            customers=CustomerModel(
                person_rate=args.answer_rate,
                talk_mean=args.talk_mean,
                wrap_up_mean=args.wrap_up_mean,
            ),
            operators=OperatorModel(count=args.operators),
        )
    if args.no_amd:
        scenario = scenario.without_amd()
    settings: dict[str, float] = {}
    if args.policy == "power":
        settings["ratio"] = args.ratio
    elif args.policy == "predictive":
        settings["abandon_limit"] = scenario.abandon_limit
    days = [
        simulate(scenario, make_policy(args.policy, **settings), seed)
        for seed in range(args.seed, args.seed + args.days)
    ]
    rows = [{"seed": day.seed, **day.metrics()} for day in days]
    if args.json:
        json.dump(
            {"scenario": scenario.to_dict(), "policy": args.policy, "days": rows},
            sys.stdout,
            indent=2,
        )
        print()
        return 0
    print(f"{scenario.name} / {args.policy}; physical limit {scenario.physical_limit:.1f} min/h")
    header = ("seed", "talk min/h", "occupancy", "aband US", "aband UK", "worst hour", "dials/h")
    print("  ".join(f"{h:>10}" for h in header))
    for row in rows:
        print(
            f"{row['seed']:>10}  {row['talk_per_hour']:>10.2f}  {row['occupancy']:>10.1%}  "
            f"{row['abandon_us']:>10.2%}  {row['abandon_uk']:>10.2%}  "
            f"{row['worst_hour_abandon']:>10.2%}  {row['dials_per_hour']:>10.1f}"
        )
    if len(rows) > 1:
        mean_talk = statistics.fmean(r["talk_per_hour"] for r in rows)
        mean_abandon = statistics.fmean(r["abandon_us"] for r in rows)
        print(f"mean talk {mean_talk:.2f} min/h, mean abandon {mean_abandon:.2%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
