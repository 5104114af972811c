"""The bound on requests running Django code at once (zvonar/server/bulkhead.py)."""

import asyncio

import pytest

from zvonar.server.bulkhead import Bulkhead


async def test_requests_beyond_the_bound_wait_and_a_started_response_frees_its_place():
    inside = 0
    most_inside = 0
    finish = asyncio.Event()

    async def app(scope, receive, send):
        nonlocal inside, most_inside
        inside += 1
        most_inside = max(most_inside, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        # A long body (a download) no longer holds a place.
        await finish.wait()
        await send({"type": "http.response.body", "body": b"ok"})

    bulkhead = Bulkhead(app, limit=2)
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    requests = [asyncio.create_task(bulkhead({"type": "http"}, receive, send)) for _ in range(6)]
    while sum(m["type"] == "http.response.start" for m in sent) < 6:
        await asyncio.sleep(0.01)
    # All six started their responses while none had finished its body.
    finish.set()
    await asyncio.gather(*requests)
    assert most_inside == 2
    assert sum(m["type"] == "http.response.body" for m in sent) == 6


async def test_an_error_frees_the_place():
    async def failing(scope, receive, send):
        raise RuntimeError("boom")

    bulkhead = Bulkhead(failing, limit=1)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(bulkhead({"type": "http"}, None, None), 1)
    assert not bulkhead._semaphore.locked()


async def test_websockets_pass_without_a_place():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    bulkhead = Bulkhead(app, limit=1)
    await bulkhead({"type": "websocket"}, None, None)
    assert seen == ["websocket"]
