"""URLs of the workplace app."""

from django.urls import path

from zvonar.workplace import views

app_name = "workplace"
urlpatterns = [path("", views.WorkplaceView.as_view(), name="home")]
