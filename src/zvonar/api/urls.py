"""URLs of the API and its OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from zvonar.api import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("calls", views.CallViewSet, basename="call")
router.register("tasks", views.TaskViewSet, basename="task")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
