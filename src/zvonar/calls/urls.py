"""URLs of the calls app."""

from django.urls import path

from zvonar.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.CallListView.as_view(), name="call_list"),
    path("<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
]
