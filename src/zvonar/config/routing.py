"""Websocket routes of every app."""

from django.urls import path

from zvonar.monitoring.consumers import WallboardConsumer
from zvonar.workplace.consumers import WorkplaceConsumer

websocket_urlpatterns = [
    path("ws/workplace/", WorkplaceConsumer.as_asgi()),
    path("ws/monitoring/projects/<int:project_id>/", WallboardConsumer.as_asgi()),
]
