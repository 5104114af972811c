"""The workplace's websocket over the configured channel layer (Redis in the PostgreSQL pass)."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers, get_channel_layer
from tests.personas import make_user

from zvonar.accounts.services import current_status, do_set_operator_status
from zvonar.campaigns.models import Project
from zvonar.events import InMemoryChannelLayer, user_group
from zvonar.workplace.consumers import WorkplaceConsumer

pytestmark = pytest.mark.django_db(transaction=True)

# Longer than redis-py 8's default socket timeout (5 s), which once tore idle sockets down.
IDLE_SECONDS = 6.5


def _operator():
    project = Project.objects.create(name="Сокет")
    operator = make_user("socket_olga")
    do_set_operator_status(operator, "available", project=project)
    return operator


async def test_an_idle_socket_stays_open_and_still_delivers():
    operator = await sync_to_async(_operator)()
    # channels.testing needs daphne; the websocket protocol is spoken by hand instead.
    scope = {"type": "websocket", "path": "/ws/workplace/", "headers": [], "user": operator}
    communicator = ApplicationCommunicator(WorkplaceConsumer.as_asgi(), scope)
    await communicator.send_input({"type": "websocket.connect"})
    assert (await communicator.receive_output(timeout=5))["type"] == "websocket.accept"

    await asyncio.sleep(IDLE_SECONDS)
    assert await communicator.receive_nothing(timeout=0.1)
    event = {"type": "notification", "text": "Перезвонить Петрову"}
    await get_channel_layer().group_send(
        user_group(operator.pk), {"type": "zvonar.event", "event": event}
    )
    message = await communicator.receive_output(timeout=5)
    assert json.loads(message["text"]) == event

    # The operator was never made Disconnected by a dropped socket meanwhile.
    status = await sync_to_async(current_status)(operator)
    assert status.status == "available"
    await communicator.send_input({"type": "websocket.disconnect", "code": 1001})
    await communicator.wait(timeout=5)
    status = await sync_to_async(current_status)(operator)
    assert status.status == "disconnected"


async def _open(operator, session=None):
    scope = {"type": "websocket", "path": "/ws/workplace/", "headers": [], "user": operator}
    if session is not None:
        scope["session"] = session
    communicator = ApplicationCommunicator(WorkplaceConsumer.as_asgi(), scope)
    await communicator.send_input({"type": "websocket.connect"})
    assert (await communicator.receive_output(timeout=5))["type"] == "websocket.accept"
    return communicator


async def _close(communicator):
    await communicator.send_input({"type": "websocket.disconnect", "code": 1001})
    await communicator.wait(timeout=5)


async def test_closing_one_of_two_tabs_keeps_the_operator_available():
    operator = await sync_to_async(_operator)()
    first, second = await _open(operator), await _open(operator)

    await _close(first)
    status = await sync_to_async(current_status)(operator)
    assert status.status == "available"
    # The remaining page still gets the operator's events.
    event = {"type": "notification", "text": "Перезвонить Сидорову"}
    await get_channel_layer().group_send(
        user_group(operator.pk), {"type": "zvonar.event", "event": event}
    )
    assert json.loads((await second.receive_output(timeout=5))["text"]) == event

    await _close(second)
    status = await sync_to_async(current_status)(operator)
    assert status.status == "disconnected"


def _another_process_layer():
    """A second connection to the same channel layer, as another web process has."""
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        pytest.skip("the in-memory layer has no other process; the PostgreSQL pass uses Redis")
    return channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)


async def test_a_page_in_another_process_keeps_the_operator_available():
    operator = await sync_to_async(_operator)()
    other = _another_process_layer()
    remote = await other.new_channel()
    await other.group_add(user_group(operator.pk), remote)

    async def answer_like_a_page():
        message = await other.receive(remote)
        assert message["type"] == "zvonar.presence"
        await other.send(message["reply_to"], {"type": "zvonar.here"})

    answering = asyncio.create_task(answer_like_a_page())
    await _close(await _open(operator))
    await asyncio.wait_for(answering, 5)
    status = await sync_to_async(current_status)(operator)
    assert status.status == "available"
    await other.group_discard(user_group(operator.pk), remote)


async def test_a_page_in_a_crashed_process_does_not_keep_the_operator_available():
    operator = await sync_to_async(_operator)()
    other = _another_process_layer()
    # Still a member of the group (Redis keeps it until the group expires), never answering.
    remote = await other.new_channel()
    await other.group_add(user_group(operator.pk), remote)

    await _close(await _open(operator))
    status = await sync_to_async(current_status)(operator)
    assert status.status == "disconnected"
    await other.group_discard(user_group(operator.pk), remote)


async def test_logging_out_closes_that_sessions_pages_only():
    """Logging out in one tab closes the workplace sockets of that session at once (they would
    go on receiving the operator's events otherwise); another login's page stays open."""
    from django.contrib.sessions.backends.db import SessionStore

    from zvonar.accounts.services import do_log_out

    operator = await sync_to_async(_operator)()
    this_login, other_login = SessionStore(), SessionStore()
    await sync_to_async(this_login.create)()
    await sync_to_async(other_login.create)()
    this_page = await _open(operator, this_login)
    other_page = await _open(operator, other_login)

    await sync_to_async(do_log_out)(operator, this_login.session_key)
    # Both pages hear the operator go Offline; then this login's page is closed.
    for page in (this_page, other_page):
        event = json.loads((await page.receive_output(timeout=5))["text"])
        assert (event["type"], event["status"]) == ("operator_status", "offline")
    assert (await this_page.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4401}
    assert await other_page.receive_nothing(timeout=0.3)
    await _close(this_page)
    await _close(other_page)
    status = await sync_to_async(current_status)(operator)
    assert status.status == "offline"
