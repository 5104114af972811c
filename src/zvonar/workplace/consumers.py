"""The workplace's websocket: pushes events to the operator; its loss makes them Disconnected."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from zvonar.accounts.choices import OperatorStatusChoices
from zvonar.events import user_group

# Losing the page while ready for calls must stop distribution; during a call or its
# wrap-up the call goes on and the card waits for the operator to come back.
READY_STATUSES = {
    OperatorStatusChoices.AVAILABLE,
    OperatorStatusChoices.PAUSED,
    OperatorStatusChoices.DO_NOT_DISTURB,
}


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
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "user", None) is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await _disconnect(self.user)

    async def receive_json(self, content, **kwargs):
        # The page acts through HTTP; the socket only answers pings to keep proxies open.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def zvonar_event(self, message):
        await self.send_json(message["event"])
