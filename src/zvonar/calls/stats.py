"""Today's call counters, shared by the workplace, the dashboard and the wallboard."""

from datetime import datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from zvonar.calls.choices import CallStateChoices, HangupCauseChoices
from zvonar.campaigns.choices import ResultClassChoices

COUNTERS = {
    # A skipped preview card is a call row that was never dialed.
    "dials": Count("pk", filter=Q(dial_started_at__isnull=False)),
    "answered": Count("pk", filter=Q(answered_at__isnull=False, answered_by_machine=False)),
    "connected": Count("pk", filter=Q(connected_at__isnull=False)),
    "abandoned": Count(
        "pk",
        filter=Q(state=CallStateChoices.ABANDONED) | Q(hangup_cause=HangupCauseChoices.ABANDONED),
    ),
    "successful": Count("pk", filter=Q(result__result_class=ResultClassChoices.SUCCESS)),
    "talk": Sum(
        ExpressionWrapper(F("ended_at") - F("connected_at"), output_field=DurationField()),
        filter=Q(connected_at__isnull=False, ended_at__isnull=False),
    ),
}


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _finish(counts: dict) -> dict:
    talk = counts.pop("talk") or timedelta()
    counts["talk_seconds"] = int(talk.total_seconds())
    answered = counts["answered"]
    counts["abandon_rate"] = (100.0 * counts["abandoned"] / answered) if answered else 0.0
    return counts


def call_counters(calls: QuerySet) -> dict:
    """Dials, answered, connected, abandoned, successful calls and talk seconds, in one query."""
    return _finish(calls.aggregate(**COUNTERS))


def call_counters_by(calls: QuerySet, field: str) -> dict:
    """call_counters for each value of a field (a project, an operator), in one query."""
    rows = calls.order_by().values(field).annotate(**COUNTERS)
    return {row.pop(field): _finish(row) for row in rows}


def empty_counters() -> dict:
    return _finish(dict.fromkeys(COUNTERS, 0) | {"talk": None})
