"""The wallboard's websocket: the project's events, for its supervisors only."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from zvonar.campaigns.queries import projects_supervised_by
from zvonar.events import project_group


@database_sync_to_async
def _may_watch(user, project_id) -> bool:
    return projects_supervised_by(user).filter(pk=project_id).exists()


class WallboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        project_id = self.scope["url_route"]["kwargs"]["project_id"]
        if user is None or not user.is_authenticated or not await _may_watch(user, project_id):
            await self.close(code=4403)
            return
        self.group = project_group(project_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def zvonar_event(self, message):
        await self.send_json(message["event"])
