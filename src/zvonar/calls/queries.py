"""Which calls a user may see: the one place the calls app checks permissions."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from zvonar.calls.models import Call
from zvonar.campaigns.queries import projects_supervised_by


def calls_visible_to(user) -> QuerySet[Call]:
    """Admins see every call, supervisors the calls of their projects, operators their own."""
    if not user.is_authenticated:
        return Call.objects.none()
    if user.is_admin:
        return Call.objects.all()
    return Call.objects.filter(
        Q(operator=user) | Q(project__in=projects_supervised_by(user).values("pk"))
    )


def access_call(user, pk, *related: str) -> Call:
    """The call if the user may see it, else 404; `related`: relations to fetch with it."""
    calls = calls_visible_to(user)
    if related:
        calls = calls.select_related(*related)
    return get_object_or_404(calls, pk=pk)
