"""Which tasks a user may see: the one place the tasks app checks permissions."""

from django.db.models import Q, QuerySet

from zvonar.campaigns.queries import projects_supervised_by
from zvonar.tasks.models import Notification, Task


def tasks_visible_to(user) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    if user.is_admin:
        return Task.objects.all()
    return Task.objects.filter(
        Q(assignee=user) | Q(project__in=projects_supervised_by(user).values("pk"))
    )


def notifications_of(user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user)
        if user.is_authenticated
        else Notification.objects.none()
    )
