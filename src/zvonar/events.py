"""Events to browsers: small dicts with a type and an op, sent to channel-layer groups on commit."""

import hashlib
import logging
import time

from asgiref.sync import async_to_sync
from channels import layers
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def send_event_on_commit(groups: list[str], event: dict) -> None:
    """Send the event to every group's browsers once the surrounding transaction commits."""
    send_on_commit(groups, {"type": "zvonar.event", "event": event})


def send_on_commit(groups: list[str], message: dict) -> None:
    """Send a channel-layer message to every group once the surrounding transaction commits."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group in groups:
            try:
                async_to_sync(layer.group_send)(group, message)
            except Exception:
                # A dead channel layer must not undo a state change that is already committed.
                logger.exception("could not send %s to %s", message["type"], group)

    transaction.on_commit(send)


def session_tag(session_key: str | None) -> str:
    """What names a login session in channel-layer messages: a digest, not the key itself."""
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:32]


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
