"""Lead scheduling rules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from zvonar.dialer.core import (
    EndCause,
    LeadRecord,
    PickKind,
    SchedulerContext,
    default_retry_rules,
    pick_leads,
    record_attempt,
    within_hours,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ZONES = ["Europe/Moscow", "Europe/Warsaw", "Asia/Vladivostok", "America/New_York", "UTC"]
RULES = default_retry_rules()


def lead(lead_id: int, **fields: object) -> LeadRecord:
    """A lead callable now in UTC unless fields say otherwise."""
    values: dict[str, object] = {
        "phone": f"+7900000{lead_id:04d}",
        "time_zone": "UTC",
        "allowed_hours": (time(0), time(23, 59, 59)),
    }
    values.update(fields)
    return LeadRecord(lead_id=lead_id, **values)  # type: ignore[arg-type]


hours = st.tuples(st.times(max_value=time(23, 59)), st.times(max_value=time(23, 59))).map(
    lambda pair: (pair[0].replace(microsecond=0), pair[1].replace(microsecond=0))
)
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
optional_moment = st.none() | moments
leads_strategy = st.lists(
    st.builds(
        LeadRecord,
        lead_id=st.integers(0, 10_000),
        phone=st.sampled_from([f"+4822000000{i}" for i in range(8)]),
        time_zone=st.sampled_from(ZONES),
        allowed_hours=hours,
        blacklisted=st.booleans(),
        attempts=st.dictionaries(st.sampled_from(list(RULES)), st.integers(0, 6), max_size=3),
        next_attempt_at=optional_moment,
        callback_at=optional_moment,
        callback_assignee=st.none() | st.integers(1, 5),
        callback_reserved=st.booleans(),
        priority=st.integers(-3, 3),
        last_abandoned_at=optional_moment,
    ),
    max_size=25,
)
contexts = st.builds(
    SchedulerContext,
    time_zone=st.sampled_from(ZONES),
    working_hours=hours,
    numbers_in_call=st.frozensets(st.sampled_from([f"+4822000000{i}" for i in range(8)])),
    free_operators=st.frozensets(st.integers(1, 5)),
)


@settings(max_examples=300, deadline=None)
@given(leads_strategy, moments, st.integers(0, 10), contexts)
def test_picks_obey_every_hard_rule(
    leads: list[LeadRecord], now: datetime, n: int, ctx: SchedulerContext
) -> None:
    """Never blacklisted, never outside either set of hours, never a number twice or already in a call."""
    picks = pick_leads(leads, now, n, ctx)
    assert len(picks) <= n
    phones = [pick.lead.phone for pick in picks]
    assert len(phones) == len(set(phones))
    for pick in picks:
        assert not pick.lead.blacklisted
        assert pick.lead.phone not in ctx.numbers_in_call
        assert within_hours(now, pick.lead.time_zone, pick.lead.allowed_hours)
        assert within_hours(now, ctx.time_zone, ctx.working_hours)
        if pick.kind is not PickKind.CALLBACK:
            quarantined = pick.lead.last_abandoned_at is not None and (
                now - pick.lead.last_abandoned_at < timedelta(hours=72)
            )
            assert not quarantined
            assert all(
                count < RULES[cause].max_attempts for cause, count in pick.lead.attempts.items()
            )
        if pick.operator_id is not None:
            assert pick.operator_id in ctx.free_operators
    operators = [pick.operator_id for pick in picks if pick.operator_id is not None]
    assert len(operators) == len(set(operators))


@given(leads_strategy, moments, contexts)
def test_callbacks_come_before_retries_and_fresh_leads(
    leads: list[LeadRecord], now: datetime, ctx: SchedulerContext
) -> None:
    """Picks are ordered callbacks, then retries, then fresh leads."""
    order = [PickKind.CALLBACK, PickKind.RETRY, PickKind.FRESH]
    kinds = [order.index(pick.kind) for pick in pick_leads(leads, now, 50, ctx)]
    assert kinds == sorted(kinds)


@given(st.integers(1, 5), st.frozensets(st.integers(1, 5), min_size=1), st.booleans())
def test_callback_reaches_its_assignee_when_free(
    assignee: int, others: frozenset[int], reserved: bool
) -> None:
    """A due callback whose assignee is free is given to that assignee, before anything else."""
    callback = lead(1, callback_at=NOW, callback_assignee=assignee, callback_reserved=reserved)
    fresh = lead(2, priority=10)
    ctx = SchedulerContext(free_operators=others | {assignee})
    picks = pick_leads([fresh, callback], NOW, 1, ctx)
    assert [(p.lead.lead_id, p.kind, p.operator_id) for p in picks] == [
        (1, PickKind.CALLBACK, assignee)
    ]


def test_callback_waits_for_a_busy_assignee_then_goes_to_anyone() -> None:
    """A callback waits the configured time for its busy assignee, then any free operator takes it."""
    ctx = SchedulerContext(free_operators={7}, callback_wait=timedelta(minutes=5))
    waiting = lead(1, callback_at=NOW - timedelta(minutes=2), callback_assignee=3)
    assert pick_leads([waiting], NOW, 5, ctx) == []
    overdue = lead(1, callback_at=NOW - timedelta(minutes=6), callback_assignee=3)
    [pick] = pick_leads([overdue], NOW, 5, ctx)
    assert pick.kind is PickKind.CALLBACK
    assert pick.operator_id is None
    reserved = lead(
        1, callback_at=NOW - timedelta(minutes=6), callback_assignee=3, callback_reserved=True
    )
    [pick] = pick_leads([reserved], NOW, 5, ctx)
    assert pick.operator_id == 7


def test_abandoned_number_rests_72_hours_unless_an_operator_is_reserved() -> None:
    """After an abandon a number is left alone for 72 h, except for a callback with a reserved operator."""
    abandoned = NOW - timedelta(hours=10)
    retry = record_attempt(lead(1), EndCause.ABANDONED, abandoned, RULES)
    assert retry.last_abandoned_at == abandoned
    ctx = SchedulerContext(free_operators={4})
    assert pick_leads([retry], NOW, 5, ctx) == []
    assert pick_leads([retry], abandoned + timedelta(hours=73), 5, ctx) != []
    plain_callback = lead(2, callback_at=NOW, callback_assignee=4, last_abandoned_at=abandoned)
    assert pick_leads([plain_callback], NOW, 5, ctx) == []
    reserved = lead(
        3,
        callback_at=NOW,
        callback_assignee=4,
        callback_reserved=True,
        last_abandoned_at=abandoned,
    )
    assert [p.operator_id for p in pick_leads([reserved], NOW, 5, ctx)] == [4]


def test_retries_wait_their_delay_and_stop_at_the_cap() -> None:
    """A busy number comes back after its delay and not after the rule's maximum of attempts."""
    rules = default_retry_rules()
    busy = record_attempt(lead(1), EndCause.BUSY, NOW, rules)
    ctx = SchedulerContext()
    assert pick_leads([busy], NOW + timedelta(minutes=5), 1, ctx) == []
    later = NOW + rules[EndCause.BUSY].delay
    assert [p.kind for p in pick_leads([busy], later, 1, ctx)] == [PickKind.RETRY]
    exhausted = busy
    for _ in range(rules[EndCause.BUSY].max_attempts - 1):
        exhausted = record_attempt(exhausted, EndCause.BUSY, NOW, rules)
    assert pick_leads([exhausted], NOW + timedelta(days=1), 1, ctx) == []


def test_fresh_leads_by_priority() -> None:
    """Fresh leads go highest priority first."""
    leads = [lead(1, priority=0), lead(2, priority=5), lead(3, priority=2)]
    picks = pick_leads(leads, NOW, 2, SchedulerContext())
    assert [p.lead.lead_id for p in picks] == [2, 3]


def test_allowed_hours_are_read_in_the_numbers_own_time_zone() -> None:
    """Noon UTC is 21:00 in Vladivostok: outside 9-21 there, inside 9-21 in Warsaw."""
    far_east = lead(1, time_zone="Asia/Vladivostok", allowed_hours=(time(9), time(21)))
    warsaw = lead(2, time_zone="Europe/Warsaw", allowed_hours=(time(9), time(21)))
    assert NOW.astimezone(ZoneInfo("Asia/Vladivostok")).hour == 22
    picks = pick_leads([far_east, warsaw], NOW, 5, SchedulerContext())
    assert [p.lead.lead_id for p in picks] == [2]


def test_project_hours_span_midnight() -> None:
    """Working hours 22:00-02:00 include 01:00 and exclude 12:00."""
    assert within_hours(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), "UTC", (time(22), time(2)))
    assert not within_hours(NOW, "UTC", (time(22), time(2)))
