"""Events to browsers: small dicts with a type and an op, sent to channel-layer groups on commit."""

import logging
import time

from asgiref.sync import async_to_sync
from channels import layers
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def send_event_on_commit(groups: list[str], event: dict) -> None:
    """Send the event to every group once the surrounding transaction commits."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group in groups:
            try:
                async_to_sync(layer.group_send)(group, {"type": "zvonar.event", "event": event})
            except Exception:
                # A dead channel layer must not undo a state change that is already committed.
                logger.exception("could not send %s to %s", event.get("type"), group)

    transaction.on_commit(send)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def project_group(project_id: int) -> str:
    return f"project.{project_id}"


class InMemoryChannelLayer(layers.InMemoryChannelLayer):
    """The embedded default's channel layer (one process, no Redis).

    Channels' in-memory layer sweeps every channel and group membership for expired entries
    on each send and receive; with a few hundred operators' sockets that sweep was a sizeable
    share of the process's time. Here it runs at most once a second: an expired message or
    membership lives up to a second longer, which nobody can observe.
    """

    sweep_seconds = 1.0
    _swept = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._swept >= self.sweep_seconds:
            self._swept = now
            super()._clean_expired()
