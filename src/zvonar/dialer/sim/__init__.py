"""Discrete-event simulator of a dialing day: a library API for benchmarks and "what if" runs.

``simulate(scenario, policy, seed) -> DayResult`` runs one day on a virtual
clock through the same core the engine uses. ``CustomerModel.draw(rng)`` gives
the outcome and timings of one dial and is what a real-time simulated PBX
reuses. ``python -m zvonar.dialer.sim --help`` is the command-line front.
"""

from zvonar.dialer.sim.customer import CustomerModel, DialOutcome, DialResult
from zvonar.dialer.sim.scenario import OperatorModel, Scenario, quick_suite, standard_suite
from zvonar.dialer.sim.simulation import DayResult, Simulation, simulate

__all__ = [
    "CustomerModel",
    "DayResult",
    "DialOutcome",
    "DialResult",
    "OperatorModel",
    "Scenario",
    "Simulation",
    "quick_suite",
    "simulate",
    "standard_suite",
]
