"""A discrete-event day on a virtual clock, driving the dialer core's policy and state machines."""

from __future__ import annotations

import heapq
import random
import statistics
from collections import deque
from dataclasses import dataclass, field

from zvonar.dialer.core.pacing import PacingPolicy, Snapshot
from zvonar.dialer.core.states import (
    CallEvent,
    CallState,
    OperatorEvent,
    OperatorState,
    OperatorStatus,
    call_transition,
    operator_transition,
)
from zvonar.dialer.core.stats import AbandonDefinition, DialerStatistics
from zvonar.dialer.sim.customer import DialOutcome, DialResult
from zvonar.dialer.sim.scenario import Scenario

# Event kinds, ordered so that at equal times operators free up before calls need them.
_WRAP_END, _LOGIN, _PAUSE_END, _TALK_END, _RESOLVED, _CLASSIFIED = 0, 1, 2, 3, 4, 5
_CONNECT_TIMEOUT, _PAUSE_DUE, _LOGOUT, _TICK = 6, 7, 8, 9


@dataclass
class DayResult:
    """Measured figures of one simulated day."""

    scenario: str
    policy: str
    seed: int
    logged_in_seconds: float = 0.0
    talk_seconds: float = 0.0
    busy_seconds: float = 0.0
    dials: int = 0
    persons: int = 0
    abandoned: int = 0
    false_positives: int = 0
    connected: int = 0
    worst_hour_abandon: float = 0.0
    idle_gaps: list[float] = field(default_factory=list, repr=False)

    @property
    def operator_hours(self) -> float:
        """Logged-in operator-hours."""
        return self.logged_in_seconds / 3600.0

    @property
    def talk_per_hour(self) -> float:
        """Talk minutes with persons per logged-in operator-hour."""
        hours = self.operator_hours
        return self.talk_seconds / 60.0 / hours if hours else 0.0

    @property
    def occupancy(self) -> float:
        """(Talk + wrap-up) over logged-in time."""
        return self.busy_seconds / self.logged_in_seconds if self.logged_in_seconds else 0.0

    @property
    def abandon_us(self) -> float:
        """Abandoned persons over persons who answered."""
        return self.abandoned / self.persons if self.persons else 0.0

    @property
    def abandon_uk(self) -> float:
        """Abandoned persons and detector false positives over persons who answered."""
        return (self.abandoned + self.false_positives) / self.persons if self.persons else 0.0

    @property
    def dials_per_hour(self) -> float:
        """Dials per logged-in operator-hour."""
        hours = self.operator_hours
        return self.dials / hours if hours else 0.0

    def idle_gap_quantiles(self) -> tuple[float, float]:
        """Median and 90th percentile of the idle gap between calls, seconds."""
        gaps = self.idle_gaps
        if len(gaps) < 2:
            return (gaps[0], gaps[0]) if gaps else (0.0, 0.0)
        deciles = statistics.quantiles(gaps, n=10)
        return statistics.median(gaps), deciles[8]

    def metrics(self) -> dict[str, float]:
        """The figures the benchmark reports, as plain numbers."""
        median_gap, p90_gap = self.idle_gap_quantiles()
        return {
            "talk_per_hour": self.talk_per_hour,
            "occupancy": self.occupancy,
            "abandon_us": self.abandon_us,
            "abandon_uk": self.abandon_uk,
            "worst_hour_abandon": self.worst_hour_abandon,
            "idle_gap_median": median_gap,
            "idle_gap_p90": p90_gap,
            "dials_per_hour": self.dials_per_hour,
            "persons": float(self.persons),
            "abandoned": float(self.abandoned),
        }


class _Call:
    __slots__ = ("operator", "outcome", "start", "state")

    def __init__(self, start: float, outcome: DialOutcome) -> None:
        self.start = start
        self.outcome = outcome
        self.state = CallState.CREATED
        self.operator: _Operator | None = None


class _Operator:
    __slots__ = (
        "call",
        "connected_at",
        "generation",
        "idle_since",
        "logout_pending",
        "pause_pending",
        "rng",
        "status",
    )

    def __init__(self, rng: random.Random) -> None:
        self.status = OperatorStatus()
        self.rng = rng
        self.idle_since = 0.0
        self.connected_at = 0.0
        self.call: _Call | None = None
        self.pause_pending = False
        self.logout_pending = False
        # Bumped on every log-out so that stale pause events are ignored.
        self.generation = 0


class Simulation:
    """One day of one scenario under one policy; ``run`` returns its DayResult."""

    def __init__(self, scenario: Scenario, policy: PacingPolicy, seed: int) -> None:
        self.scenario = scenario
        self.policy = policy
        self.seed = seed
        definition = AbandonDefinition(scenario.definition)
        self.stats = DialerStatistics(regulator_window_seconds=24 * 3600.0, definition=definition)
        self.outcomes = self.stats.outcomes
        self.result = DayResult(scenario.name, policy.name, seed)
        # Separate streams: dial outcomes and operator behaviour never depend on the policy.
        self.dial_rng = random.Random(f"{seed}:dials")
        operator_rng = random.Random(f"{seed}:operators")
        self.shifts = scenario.operators.shifts(scenario.hours, operator_rng)
        self.operators = [
            _Operator(random.Random(f"{seed}:operator:{i}")) for i in range(len(self.shifts))
        ]
        self.events: list[tuple[float, int, int, object]] = []
        self.sequence = 0
        self.available: dict[_Operator, None] = {}
        self.talking_since: dict[_Operator, float] = {}
        self.wrap_up_since: dict[_Operator, float] = {}
        self.dialing: dict[float, int] = {}
        self.waiting: deque[_Call] = deque()
        self.waiting_count = 0
        self.paused = 0
        self.logged_in = 0
        minutes = int(scenario.hours * 60) + 1
        self.minute_persons = [0] * minutes
        self.minute_abandons = [0] * minutes

    def _push(self, moment: float, kind: int, payload: object) -> None:
        self.sequence += 1
        heapq.heappush(self.events, (moment, kind, self.sequence, payload))

    def run(self) -> DayResult:
        """Simulate the day and the calls still running at its end."""
        scenario = self.scenario
        day = scenario.hours * 3600.0
        customers = scenario.customers
        # The dialer stops placing calls early enough for the last ones to reach an operator
        # before the shift ends, as a real project's last-call time does.
        last_call = day - customers.timeout - customers.amd_seconds - scenario.connect_seconds
        for operator, shifts in zip(self.operators, self.shifts, strict=True):
            for start, end in shifts:
                if end > start:
                    self._push(start, _LOGIN, operator)
                    self._push(end, _LOGOUT, operator)
                    self.result.logged_in_seconds += end - start
        self._push(0.0, _TICK, None)
        events = self.events
        pop = heapq.heappop
        while events:
            now, kind, _, payload = pop(events)
            if kind == _TICK:
                self._tick(now)
                following = now + scenario.tick
                if following < last_call:
                    self._push(following, _TICK, None)
            elif kind == _RESOLVED:
                self._resolved(now, payload)  # type: ignore[arg-type]
            elif kind == _CLASSIFIED:
                self._classified(now, payload)  # type: ignore[arg-type]
            elif kind == _TALK_END:
                self._talk_end(now, payload)  # type: ignore[arg-type]
            elif kind == _WRAP_END:
                self._wrap_end(now, payload)  # type: ignore[arg-type]
            elif kind == _CONNECT_TIMEOUT:
                self._connect_timeout(now, payload)  # type: ignore[arg-type]
            elif kind == _LOGIN:
                self._login(now, payload)  # type: ignore[arg-type]
            elif kind == _LOGOUT:
                self._logout(now, payload)  # type: ignore[arg-type]
            elif kind == _PAUSE_DUE:
                self._pause_due(now, payload)  # type: ignore[arg-type]
            elif kind == _PAUSE_END:
                self._pause_end(now, payload)  # type: ignore[arg-type]
        self._finish()
        return self.result

    # --- pacing -----------------------------------------------------------------

    def _tick(self, now: float) -> None:
        snapshot = Snapshot(
            now=now,
            available=len(self.available),
            talking_since=self.talking_since.values(),
            wrap_up_since=self.wrap_up_since.values(),
            dialing=self.dialing,
            waiting=self.waiting_count,
            paused=self.paused,
            logged_in=self.logged_in,
            stats=self.stats,
        )
        count = self.policy.calls_to_start(snapshot)
        if count <= 0:
            return
        rate = self.scenario.person_rate_at(now)
        draw = self.scenario.customers.draw
        rng = self.dial_rng
        self.dialing[now] = self.dialing.get(now, 0) + count
        self.result.dials += count
        self.stats.record_dial(count)
        events = self.events
        push = heapq.heappush
        dialing_state = call_transition(CallState.CREATED, CallEvent.ORIGINATE)[0]
        answered = (DialResult.PERSON, DialResult.MACHINE)
        for _ in range(count):
            outcome = draw(rng, rate)
            call = _Call(now, outcome)
            call.state = dialing_state
            self.sequence += 1
            if outcome.result in answered:
                push(events, (now + outcome.classified_after, _CLASSIFIED, self.sequence, call))
            else:
                push(events, (now + outcome.resolved_after, _RESOLVED, self.sequence, call))

    def _leave_dialing(self, call: _Call) -> None:
        left = self.dialing[call.start] - 1
        if left:
            self.dialing[call.start] = left
        else:
            del self.dialing[call.start]

    def _resolved(self, now: float, call: _Call) -> None:
        self._leave_dialing(call)
        result = call.outcome.result
        event = (
            CallEvent.FAILED
            if result is DialResult.FAILED
            else CallEvent.BUSY
            if result is DialResult.BUSY
            else CallEvent.NO_ANSWER
        )
        call.state = call_transition(call.state, event)[0]
        self.outcomes.record(now, now - call.start, False)

    # --- answered calls ---------------------------------------------------------

    def _classified(self, now: float, call: _Call) -> None:
        self._leave_dialing(call)
        outcome = call.outcome
        truly_person = outcome.result is DialResult.PERSON
        minute = min(int(now // 60), len(self.minute_persons) - 1)
        if truly_person:
            self.result.persons += 1
            self.minute_persons[minute] += 1
        if not outcome.classified_person:
            # The detector calls it a machine: the line is dropped, a false positive if a person.
            call.state = call_transition(call.state, CallEvent.ANSWERED_MACHINE)[0]
            self.stats.record_resolution(now, now - call.start, False)
            if truly_person:
                self.result.false_positives += 1
                if self.scenario.definition == "uk":
                    self.minute_abandons[minute] += 1
            return
        call.state = call_transition(call.state, CallEvent.ANSWERED_HUMAN)[0]
        self.stats.record_resolution(now, now - call.start, True)
        self.stats.record_person_answer(now)
        if self.available:
            # First in the insertion-ordered dict = longest idle, which is core.route's
            # choice for a call without a callback assignee.
            operator = next(iter(self.available))
            self._connect(now, call, operator)
            return
        call.state = call_transition(call.state, CallEvent.NO_OPERATOR_FREE)[0]
        self.waiting.append(call)
        self.waiting_count += 1
        limit = self.scenario.connect_seconds
        self._push(now + min(limit, outcome.patience), _CONNECT_TIMEOUT, call)

    def _connect_timeout(self, now: float, call: _Call) -> None:
        if call.state is not CallState.WAITING_FOR_OPERATOR:
            return
        hung_up = call.outcome.patience < self.scenario.connect_seconds
        event = CallEvent.CUSTOMER_HUNG_UP if hung_up else CallEvent.CONNECT_TIMEOUT
        call.state = call_transition(call.state, event)[0]
        self.waiting_count -= 1
        self.stats.record_abandon(now)
        if call.outcome.result is DialResult.PERSON:
            self.result.abandoned += 1
            minute = min(int(now // 60), len(self.minute_abandons) - 1)
            self.minute_abandons[minute] += 1

    def _connect(self, now: float, call: _Call, operator: _Operator) -> None:
        del self.available[operator]
        call.state = call_transition(call.state, CallEvent.OPERATOR_CONNECTED)[0]
        operator.status = operator_transition(operator.status, OperatorEvent.CALL_CONNECTED)[0]
        operator.call = call
        operator.connected_at = now
        self.talking_since[operator] = now
        self.result.connected += 1
        self.result.idle_gaps.append(now - operator.idle_since)
        talk = call.outcome.talk
        if call.outcome.result is DialResult.PERSON:
            self.result.talk_seconds += talk
        self._push(now + talk, _TALK_END, operator)

    def _talk_end(self, now: float, operator: _Operator) -> None:
        call = operator.call
        assert call is not None
        call.state = call_transition(call.state, CallEvent.CUSTOMER_HUNG_UP)[0]
        operator.status = operator_transition(operator.status, OperatorEvent.CALL_ENDED)[0]
        del self.talking_since[operator]
        self.wrap_up_since[operator] = now
        self.stats.record_talk_time(now - operator.connected_at)
        self._push(now + call.outcome.wrap_up, _WRAP_END, operator)

    def _wrap_end(self, now: float, operator: _Operator) -> None:
        self.result.busy_seconds += now - operator.connected_at
        self.stats.record_wrap_up_time(now - self.wrap_up_since.pop(operator))
        operator.call = None
        operator.status = operator_transition(operator.status, OperatorEvent.RESULT_SAVED)[0]
        if operator.logout_pending:
            self._go_offline(operator)
        elif operator.pause_pending:
            self._start_pause(now, operator)
        else:
            self._become_available(now, operator)

    # --- operators --------------------------------------------------------------

    def _become_available(self, now: float, operator: _Operator) -> None:
        if operator.status.state is not OperatorState.AVAILABLE:
            operator.status = operator_transition(operator.status, OperatorEvent.SET_AVAILABLE)[0]
        operator.idle_since = now
        self.available[operator] = None
        while self.waiting:
            call = self.waiting.popleft()
            if call.state is CallState.WAITING_FOR_OPERATOR:
                self.waiting_count -= 1
                self._connect(now, call, operator)
                return

    def _login(self, now: float, operator: _Operator) -> None:
        if operator.logout_pending:
            # Back for the next shift before the last call of the previous one ended.
            operator.logout_pending = False
            return
        operator.status = operator_transition(operator.status, OperatorEvent.LOG_IN)[0]
        operator.logout_pending = False
        self.logged_in += 1
        self._schedule_pause(now, operator)
        self._become_available(now, operator)

    def _logout(self, now: float, operator: _Operator) -> None:
        state = operator.status.state
        if state is OperatorState.AVAILABLE:
            del self.available[operator]
            self._go_offline(operator)
        elif state is OperatorState.PAUSED:
            self.paused -= 1
            self._go_offline(operator)
        else:
            # Logged-in time ends now even though the call in hand is finished first.
            operator.logout_pending = True

    def _go_offline(self, operator: _Operator) -> None:
        operator.status = operator_transition(operator.status, OperatorEvent.LOG_OUT)[0]
        operator.generation += 1
        operator.pause_pending = False
        operator.logout_pending = False
        self.logged_in -= 1

    def _schedule_pause(self, now: float, operator: _Operator) -> None:
        model = self.scenario.operators
        if model.pause_share <= 0:
            return
        work_mean = model.pause_mean * (1.0 - model.pause_share) / model.pause_share
        due = now + operator.rng.expovariate(1.0 / work_mean)
        self._push(due, _PAUSE_DUE, (operator, operator.generation))

    def _pause_due(self, now: float, payload: tuple[_Operator, int]) -> None:
        operator, generation = payload
        if generation != operator.generation:
            return
        if operator.status.state is OperatorState.AVAILABLE:
            del self.available[operator]
            self._start_pause(now, operator)
        else:
            operator.pause_pending = True

    def _start_pause(self, now: float, operator: _Operator) -> None:
        operator.pause_pending = False
        operator.status = operator_transition(
            operator.status, OperatorEvent.PAUSE, pause_reason="break"
        )[0]
        self.paused += 1
        length = operator.rng.expovariate(1.0 / self.scenario.operators.pause_mean)
        self._push(now + length, _PAUSE_END, (operator, operator.generation))

    def _pause_end(self, now: float, payload: tuple[_Operator, int]) -> None:
        operator, generation = payload
        if generation != operator.generation or operator.status.state is not OperatorState.PAUSED:
            return
        self.paused -= 1
        self._schedule_pause(now, operator)
        self._become_available(now, operator)

    # --- results ----------------------------------------------------------------

    def _finish(self) -> None:
        persons, abandons = self.minute_persons, self.minute_abandons
        worst = 0.0
        window = 60
        total_persons = sum(persons[:window])
        total_abandons = sum(abandons[:window])
        for start in range(max(1, len(persons) - window + 1)):
            if start:
                end = start + window - 1
                total_persons += persons[end] - persons[start - 1]
                total_abandons += abandons[end] - abandons[start - 1]
            if total_persons >= 20:
                worst = max(worst, total_abandons / total_persons)
        self.result.worst_hour_abandon = worst


def simulate(scenario: Scenario, policy: PacingPolicy, seed: int) -> DayResult:
    """Run one day of scenario under policy with this seed."""
    return Simulation(scenario, policy, seed).run()
