"""URLs of the monitoring app."""

from django.urls import path

from zvonar.monitoring import views

app_name = "monitoring"
urlpatterns = [path("", views.DashboardView.as_view(), name="dashboard")]
