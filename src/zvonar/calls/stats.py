"""Today's call counters, shared by the workplace and the dashboard."""

from datetime import datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zvonar.calls.choices import CallStateChoices, HangupCauseChoices
from zvonar.campaigns.choices import ResultClassChoices


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def call_counters(calls: QuerySet) -> dict:
    """Dials, answered, abandoned, successful calls and talk seconds of a call queryset."""
    counts = calls.aggregate(
        dials=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False, answered_by_machine=False)),
        connected=Count("pk", filter=Q(connected_at__isnull=False)),
        abandoned=Count(
            "pk",
            filter=Q(state=CallStateChoices.ABANDONED)
            | Q(hangup_cause=HangupCauseChoices.ABANDONED),
        ),
        successful=Count("pk", filter=Q(result__result_class=ResultClassChoices.SUCCESS)),
    )
    talk = 0
    for connected_at, ended_at in calls.filter(
        connected_at__isnull=False, ended_at__isnull=False
    ).values_list("connected_at", "ended_at"):
        talk += int((ended_at - connected_at).total_seconds())
    counts["talk_seconds"] = talk
    answered = counts["answered"]
    counts["abandon_rate"] = (100.0 * counts["abandoned"] / answered) if answered else 0.0
    return counts
