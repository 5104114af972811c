"""Which leads to dial next: pure rules over lead records, time zones by zoneinfo."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

from zvonar.dialer.core.states import EndCause

OperatorId = int
LeadId = int

RETRY_CAUSES = (
    EndCause.NO_ANSWER,
    EndCause.BUSY,
    EndCause.FAILED,
    EndCause.MACHINE,
    EndCause.ABANDONED,
)


@dataclass(frozen=True, slots=True)
class RetryRule:
    """After a call ends with this cause, wait ``delay``; stop after ``max_attempts`` such ends."""

    cause: EndCause
    delay: timedelta
    max_attempts: int


def default_retry_rules() -> dict[EndCause, RetryRule]:
    """Retry rules a new project starts with."""
    return {
        EndCause.NO_ANSWER: RetryRule(EndCause.NO_ANSWER, timedelta(hours=2), 5),
        EndCause.BUSY: RetryRule(EndCause.BUSY, timedelta(minutes=15), 5),
        EndCause.FAILED: RetryRule(EndCause.FAILED, timedelta(hours=4), 2),
        EndCause.MACHINE: RetryRule(EndCause.MACHINE, timedelta(hours=4), 3),
        EndCause.ABANDONED: RetryRule(EndCause.ABANDONED, timedelta(hours=72), 2),
    }


@dataclass(frozen=True, slots=True)
class LeadRecord:
    """One number of a project as the scheduler sees it; times are timezone-aware."""

    lead_id: LeadId
    phone: str
    time_zone: str = "UTC"
    # Local hours of the number's own time zone when calls are allowed: [start, end).
    allowed_hours: tuple[time, time] = (time(9), time(21))
    blacklisted: bool = False
    attempts: Mapping[EndCause, int] = field(default_factory=dict)
    next_attempt_at: datetime | None = None
    callback_at: datetime | None = None
    callback_assignee: OperatorId | None = None
    # An operator is held for this callback before dialing, so it cannot be abandoned.
    callback_reserved: bool = False
    priority: int = 0
    last_abandoned_at: datetime | None = None
    finished: bool = False

    @property
    def total_attempts(self) -> int:
        """Attempts of every cause."""
        return sum(self.attempts.values())


@dataclass(frozen=True, slots=True)
class SchedulerContext:
    """The project's side of the rules, and what is happening right now."""

    time_zone: str = "UTC"
    working_hours: tuple[time, time] = (time(0), time(23, 59, 59))
    retry_rules: Mapping[EndCause, RetryRule] = field(default_factory=default_retry_rules)
    numbers_in_call: Collection[str] = frozenset()
    free_operators: Collection[OperatorId] = frozenset()
    # A due callback waits this long for its assignee, then goes to any free operator.
    callback_wait: timedelta = timedelta(minutes=5)
    # FTC/Ofcom practice: a number whose call was abandoned is left alone for 72 hours
    # unless the next call is sure to reach an operator.
    abandon_quarantine: timedelta = timedelta(hours=72)


class PickKind(Enum):
    """Why a lead was picked; also the order of precedence."""

    CALLBACK = "callback"
    RETRY = "retry"
    FRESH = "fresh"


@dataclass(frozen=True, slots=True)
class LeadPick:
    """A lead to dial now and, for callbacks, the operator to give it to."""

    lead: LeadRecord
    kind: PickKind
    operator_id: OperatorId | None = None


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def within_hours(now: datetime, time_zone: str, hours: tuple[time, time]) -> bool:
    """True when now, read in time_zone, is in [start, end); an end before start spans midnight."""
    local = now.astimezone(_zone(time_zone)).time().replace(tzinfo=None)
    start, end = hours
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def attempts_exhausted(lead: LeadRecord, rules: Mapping[EndCause, RetryRule]) -> bool:
    """True when some cause reached its rule's maximum of attempts."""
    return any(
        count >= rules[cause].max_attempts
        for cause, count in lead.attempts.items()
        if cause in rules
    )


def _quarantined(lead: LeadRecord, now: datetime, ctx: SchedulerContext) -> bool:
    last = lead.last_abandoned_at
    return last is not None and now - last < ctx.abandon_quarantine


def is_dialable(lead: LeadRecord, now: datetime, ctx: SchedulerContext) -> bool:
    """Rules every pick obeys: not blacklisted, not in a call, inside both sets of hours."""
    return (
        not lead.blacklisted
        and not lead.finished
        and lead.phone not in ctx.numbers_in_call
        and within_hours(now, ctx.time_zone, ctx.working_hours)
        and within_hours(now, lead.time_zone, lead.allowed_hours)
    )


def pick_leads(
    leads: Iterable[LeadRecord], now: datetime, n: int, ctx: SchedulerContext
) -> list[LeadPick]:
    """Up to n leads to dial now: due callbacks, then due retries, then fresh leads by priority."""
    if n <= 0:
        return []
    callbacks: list[LeadRecord] = []
    retries: list[LeadRecord] = []
    fresh: list[LeadRecord] = []
    for lead in leads:
        if not is_dialable(lead, now, ctx):
            continue
        if lead.callback_at is not None:
            if lead.callback_at <= now:
                callbacks.append(lead)
            continue
        if _quarantined(lead, now, ctx) or attempts_exhausted(lead, ctx.retry_rules):
            continue
        if lead.total_attempts == 0:
            fresh.append(lead)
        elif lead.next_attempt_at is None or lead.next_attempt_at <= now:
            retries.append(lead)
    callbacks.sort(key=lambda lead: (lead.callback_at, -lead.priority, lead.lead_id))
    retries.sort(key=lambda lead: (lead.next_attempt_at or now, -lead.priority, lead.lead_id))
    fresh.sort(key=lambda lead: (-lead.priority, lead.lead_id))

    picks: list[LeadPick] = []
    phones: set[str] = set()
    free = sorted(ctx.free_operators)
    for lead in callbacks:
        if len(picks) >= n:
            return picks
        if lead.phone in phones:
            continue
        assert lead.callback_at is not None
        assignee_free = lead.callback_assignee in free
        overdue = now - lead.callback_at >= ctx.callback_wait
        if not assignee_free and not overdue:
            continue
        operator: OperatorId | None = lead.callback_assignee if assignee_free else None
        if lead.callback_reserved:
            if operator is None:
                if not free:
                    continue
                operator = free[0]
        elif _quarantined(lead, now, ctx) or (operator is None and not free):
            continue
        if operator is not None:
            free.remove(operator)
        phones.add(lead.phone)
        picks.append(LeadPick(lead, PickKind.CALLBACK, operator))
    for kind, group in ((PickKind.RETRY, retries), (PickKind.FRESH, fresh)):
        for lead in group:
            if len(picks) >= n:
                return picks
            if lead.phone in phones:
                continue
            phones.add(lead.phone)
            picks.append(LeadPick(lead, kind))
    return picks


def record_attempt(
    lead: LeadRecord,
    cause: EndCause,
    now: datetime,
    rules: Mapping[EndCause, RetryRule],
    *,
    callback_done: bool = False,
) -> LeadRecord:
    """The lead after one call ended with cause: attempts counted, next attempt scheduled."""
    attempts = dict(lead.attempts)
    attempts[cause] = attempts.get(cause, 0) + 1
    rule = rules.get(cause)
    next_at = now + rule.delay if rule is not None else None
    return replace(
        lead,
        attempts=attempts,
        next_attempt_at=next_at,
        last_abandoned_at=now if cause is EndCause.ABANDONED else lead.last_abandoned_at,
        callback_at=None if callback_done else lead.callback_at,
        callback_assignee=None if callback_done else lead.callback_assignee,
        callback_reserved=False if callback_done else lead.callback_reserved,
        finished=lead.finished or cause is EndCause.COMPLETED,
    )
