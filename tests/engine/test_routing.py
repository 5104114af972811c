"""The engine's routing: an answered call reaches exactly one free operator."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from tests.personas import add_member, make_contact, make_user

from zvonar.accounts.models import OperatorStatusLog
from zvonar.accounts.services import do_set_operator_status
from zvonar.calls.models import Call
from zvonar.campaigns.models import CallResult, Lead, Project
from zvonar.dialer.engine import Dialer, ProjectRunner
from zvonar.telephony.sim import SimBackend

pytestmark = pytest.mark.django_db(transaction=True)


def _setup():
    project = Project.objects.create(name="Маршрутизация", status="running")
    CallResult.objects.create(project=project, name="Успех", result_class="success")
    operators = [make_user(name) for name in ("olga", "ivan")]
    for operator in operators:
        add_member(project, operator)
        do_set_operator_status(operator, "available", project=project)
    contact = make_contact("+7 912 345 67 89", last_name="Петров")
    lead = Lead.objects.create(project=project, contact=contact, phone=contact.phones.first())
    call = Call.objects.create(
        number="+79123456789", project=project, lead=lead, contact=contact, state="waiting"
    )
    return project, call


async def test_concurrent_routing_gives_a_call_to_one_operator(monkeypatch):
    """The routing loop and an answer event routing at once connect the call only once."""
    from zvonar.calls import services

    reserve = services.do_reserve_operator

    def slow_reserve(*args):
        # Hold the first router inside its reservation while the second one looks around.
        time.sleep(0.2)
        return reserve(*args)

    monkeypatch.setattr(services, "do_reserve_operator", slow_reserve)
    project, call = await sync_to_async(_setup)()
    backend = SimBackend(
        {
            "numbers": {"+79123456789": "person"},
            "defaults": {"time_to_answer_median_seconds": 0.2, "amd": False},
        }
    )
    await backend.start()
    try:
        runner = ProjectRunner(Dialer(backend), project.pk)
        await backend.originate(str(call.pk), call.number)
        async for event in backend.events():
            if event.type.value == "answered_human":
                break
        runner.waiting[call.pk] = time.monotonic()

        async def later():
            await asyncio.sleep(0.05)
            await runner.route_waiting()

        await asyncio.gather(runner.route_waiting(), later())
    finally:
        await backend.stop()
    talking = await sync_to_async(
        lambda: list(
            OperatorStatusLog.objects.filter(ended_at=None, status="talking").values_list(
                "user_id", flat=True
            )
        )
    )()
    assert len(talking) == 1
    await sync_to_async(call.refresh_from_db)()
    assert call.operator_id == talking[0]
    assert call.state == "connected"


def test_a_call_that_hung_up_before_routing_goes_to_nobody():
    """The hang-up is written first, the routing pass comes after: the call stays ended and
    no operator is left Talking on it."""
    from zvonar.calls.services import do_mark_ended, do_route_call

    project, call = _setup()
    do_mark_ended(call.pk, "client_hangup")
    assert do_route_call(call.pk, project.pk) is None
    call.refresh_from_db()
    assert call.state == "abandoned" and call.operator_id is None
    assert not OperatorStatusLog.objects.filter(ended_at=None, status="talking").exists()


async def test_a_stopping_dialer_waits_for_the_calls_lane():
    """A call's job still running when the dialer stops finishes (and sends its events) while
    the event loop still runs; otherwise `zvonar run` could not exit after Ctrl+C."""
    from zvonar.dialer.engine import db_calls

    finished = []

    def slow_job():
        time.sleep(0.5)
        finished.append(True)

    backend = SimBackend({"defaults": {"amd": False}})
    dialer = Dialer(backend, tick_seconds=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(dialer.run(stop))
    job = asyncio.create_task(db_calls(slow_job)())
    await asyncio.sleep(0.1)
    job.cancel()  # as the pump's await is cancelled at shutdown
    stop.set()
    await asyncio.wait_for(running, 10)
    assert finished == [True]
