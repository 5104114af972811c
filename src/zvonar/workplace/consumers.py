"""The workplace's websocket: pushes events to the operator; its loss makes them Disconnected."""

import asyncio
from collections import Counter

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from zvonar.accounts.choices import READY_STATUSES, OperatorStatusChoices
from zvonar.events import InMemoryChannelLayer, session_tag, user_group

# How long a closing socket waits for a page of the same operator in another web process to
# answer. Pages in this process are counted in memory and need no wait.
PRESENCE_SECONDS = 1.0

# Open workplace sockets in this process, per user id.
_local_pages: Counter[int] = Counter()


@database_sync_to_async
def _disconnect(user) -> None:
    from zvonar.accounts.services import current_status, do_set_operator_status

    status = current_status(user)
    if status is not None and status.status in READY_STATUSES:
        do_set_operator_status(
            user,
            OperatorStatusChoices.DISCONNECTED,
            project=status.project,
            acting_user=user,
        )


class WorkplaceConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.session = session_tag(getattr(self.scope.get("session"), "session_key", None))
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        _local_pages[user.pk] += 1
        self.counted = True
        await self.accept()

    async def disconnect(self, code):
        if not getattr(self, "counted", False):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        _local_pages[self.user.pk] -= 1
        if _local_pages[self.user.pk] > 0:
            return
        del _local_pages[self.user.pk]
        if not await self._another_page_open():
            await _disconnect(self.user)

    async def _another_page_open(self) -> bool:
        """Whether the operator still has the workplace open elsewhere (another tab, or the
        page that replaced this one on reload) in another web process. Asked over the
        channel layer; a page in a crashed process does not answer. The in-memory layer of
        the embedded server has no other process to ask."""
        if isinstance(self.channel_layer, InMemoryChannelLayer):
            return False
        # The default prefix on purpose: channels_redis reads every "specific.<client>!…"
        # channel of this process in one loop; a reply channel under another prefix is read
        # only while no consumer of the process holds that loop, so its answer came late or
        # never (a CI run made an operator with a second tab Disconnected).
        reply = await self.channel_layer.new_channel()
        await self.channel_layer.group_send(
            self.group, {"type": "zvonar.presence", "reply_to": reply}
        )
        try:
            await asyncio.wait_for(self.channel_layer.receive(reply), PRESENCE_SECONDS)
        except TimeoutError:
            return False
        return True

    async def zvonar_presence(self, message):
        await self.channel_layer.send(message["reply_to"], {"type": "zvonar.here"})

    async def receive_json(self, content, **kwargs):
        # The page acts through HTTP; the socket only answers pings to keep proxies open.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def zvonar_session_ended(self, message):
        # Logged out (perhaps in another tab): this session's pages stop receiving at once.
        if message["session"] == self.session:
            await self.close(code=4401)

    async def zvonar_event(self, message):
        await self.send_json(message["event"])
