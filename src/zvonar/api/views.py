"""Read-only API viewsets over what the user may see."""

from rest_framework import viewsets

from zvonar.api.serializers import (
    CallSerializer,
    ContactSerializer,
    ProjectSerializer,
    TaskSerializer,
)
from zvonar.calls.queries import calls_visible_to
from zvonar.campaigns.queries import projects_visible_to
from zvonar.crm.queries import contacts_visible_to
from zvonar.tasks.queries import tasks_visible_to


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return projects_visible_to(self.request.user).order_by("name")


class ContactViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ContactSerializer

    def get_queryset(self):
        return contacts_visible_to(self.request.user).prefetch_related("phones").order_by("pk")


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CallSerializer

    def get_queryset(self):
        return calls_visible_to(self.request.user).order_by("-created_at")


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return tasks_visible_to(self.request.user).order_by("due_at")
