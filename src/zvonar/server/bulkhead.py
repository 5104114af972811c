"""A bound on how many HTTP requests run Django code at once in one process.

Django runs every request's synchronous view in a thread of its own. Two hundred operators
saving cards at the same moment would be two hundred threads taking turns on one interpreter
lock, and the dialer's thread, which connects answered calls within the regulator's two
seconds, would get a two-hundredth of it. Requests beyond the bound wait on the event loop,
costing nothing, and go in as others finish; a request leaves the bound when its response
starts, so a long download does not hold a place.
"""

import asyncio

from django.conf import settings


class Bulkhead:
    def __init__(self, app, limit: int | None = None) -> None:
        self.app = app
        self.limit = limit or settings.ZVONAR_HTTP_CONCURRENCY
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        semaphore = self._semaphore
        await semaphore.acquire()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                semaphore.release()

        async def send_and_release(message):
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, send_and_release)
        finally:
            release()
