"""Which users and status log entries a user may see."""

from django.db.models import QuerySet

from zvonar.accounts.models import OperatorStatusLog, User
from zvonar.campaigns.queries import projects_supervised_by, projects_visible_to


def users_visible_to(user) -> QuerySet[User]:
    """Admins see everyone; others see the members of their projects (their colleagues)."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_admin:
        return User.objects.all()
    return User.objects.filter(projects__in=projects_visible_to(user)).distinct()


def operators_supervised_by(user) -> QuerySet[User]:
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_admin:
        return User.objects.filter(is_active=True)
    return User.objects.filter(projects__in=projects_supervised_by(user), is_active=True).distinct()


def current_statuses(users) -> dict[int, OperatorStatusLog]:
    """The open status log entry of each user, by user key."""
    entries = OperatorStatusLog.objects.filter(user__in=users, ended_at=None).select_related(
        "reason"
    )
    return {entry.user_id: entry for entry in entries}
