"""URLs of the monitoring app."""

from django.urls import path

from zvonar.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("projects/<int:pk>/", views.WallboardView.as_view(), name="wallboard"),
    path("projects/<int:pk>/state/", views.WallboardStateView.as_view(), name="wallboard_state"),
    path("projects/<int:pk>/control/", views.ProjectControlView.as_view(), name="project_control"),
]
