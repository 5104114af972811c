"""Which projects and leads a user may see: the one place campaigns checks permissions."""

from django.db.models import QuerySet

from zvonar.campaigns.choices import MembershipRoleChoices
from zvonar.campaigns.models import Lead, Project


def projects_visible_to(user) -> QuerySet[Project]:
    """Admins see every project; everyone else the projects they are a member of."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_admin:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user).distinct()


def projects_supervised_by(user) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_admin:
        return Project.objects.all()
    return Project.objects.filter(
        memberships__user=user, memberships__role=MembershipRoleChoices.SUPERVISOR
    ).distinct()


def is_supervisor(user) -> bool:
    """Admins and users who supervise at least one project see the supervisor's pages."""
    return user.is_authenticated and (
        user.is_admin or user.memberships.filter(role=MembershipRoleChoices.SUPERVISOR).exists()
    )


def leads_visible_to(user) -> QuerySet[Lead]:
    if not user.is_authenticated:
        return Lead.objects.none()
    if user.is_admin:
        return Lead.objects.all()
    from zvonar.crm.queries import contacts_visible_to

    return Lead.objects.filter(
        project__in=projects_visible_to(user), contact__in=contacts_visible_to(user)
    )


def access_project(user, pk) -> Project:
    """The project with this key if the user may see it; Http404 otherwise."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(projects_visible_to(user), pk=pk)
