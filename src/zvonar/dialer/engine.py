"""The running dialer: per running project, a loop around the core's policy, scheduler and
router, driving a telephony backend and writing every step to the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.utils import timezone

from zvonar.calls import services as calls
from zvonar.calls.choices import CallStateChoices, HangupCauseChoices
from zvonar.calls.models import Call
from zvonar.campaigns.choices import DialModeChoices, ProjectStatusChoices
from zvonar.campaigns.models import Project
from zvonar.dialer.core import (
    DialerStatistics,
    PacingPolicy,
    Snapshot,
    make_policy,
)
from zvonar.dialer.leases import acquire_leases, release_leases
from zvonar.sqlite.base import mark_thread_urgent
from zvonar.telephony.base import EventType, HangupCause, TelephonyBackend, TelephonyEvent
from zvonar.telephony.registry import get_backend

logger = logging.getLogger(__name__)


# The dialer's database work runs in threads of its own: in `zvonar run` the pages share the
# process, and queued behind their requests in Django's one sync thread an answered call would
# wait for a free operator's card longer than the connect limit allows. Two lanes: the calls'
# events (answer, connect, hang-up) do not queue behind a tick claiming a batch of leads, and
# on the embedded SQLite their write transactions go before the pages' (zvonar/sqlite/base.py).
_TICK_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zvonar-dialer-tick")
_CALLS_THREAD = ThreadPoolExecutor(
    max_workers=1, thread_name_prefix="zvonar-dialer-calls", initializer=mark_thread_urgent
)


def _in_thread(function: Callable[..., Any], executor: ThreadPoolExecutor) -> Callable[..., Any]:
    def with_fresh_connection(*args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        return function(*args, **kwargs)

    return sync_to_async(with_fresh_connection, thread_sensitive=False, executor=executor)


def db(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run an ORM function off the event loop, in the dialer's tick thread."""
    return _in_thread(function, _TICK_THREAD)


def db_calls(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run an ORM function off the event loop, in the thread for the calls' own events."""
    return _in_thread(function, _CALLS_THREAD)


def _nothing() -> None:
    """Queued behind a lane's jobs to wait for them."""


def _project(project_id: int) -> Project:
    return Project.objects.get(pk=project_id)


def _pending_reserved(project_id: int) -> list[tuple[int, str, int]]:
    """Calls operators asked for (manual dial, preview) that are not placed yet."""
    return list(
        Call.objects.filter(
            project_id=project_id,
            state=CallStateChoices.CREATED,
            operator__isnull=False,
            backend_call_id="",
        ).values_list("pk", "number", "operator_id")
    )


def _hangup_requests(project_id: int) -> list[int]:
    return list(
        Call.objects.filter(
            project_id=project_id,
            hangup_requested_at__isnull=False,
            state__in=calls.OPEN_CALL_STATES,
        ).values_list("pk", flat=True)
    )


def _policy_for(project: Project) -> tuple[tuple[Any, ...], PacingPolicy]:
    mode = project.dial_mode
    connect = float(project.abandon_after_seconds)
    if mode == DialModeChoices.POWER:
        key: tuple[Any, ...] = (mode, float(project.power_ratio))
        return key, make_policy("power", ratio=float(project.power_ratio))
    if mode == DialModeChoices.PREDICTIVE:
        limit = float(project.max_abandon_rate) / 100
        key = (mode, limit, connect)
        return key, make_policy(
            "predictive",
            abandon_limit=limit,
            margin=min(0.005, limit / 5),
            connect_seconds=connect,
        )
    return (mode,), make_policy(mode)


class ProjectRunner:
    """Drives one running project; owned by the dialer process holding its lease."""

    def __init__(self, dialer: Dialer, project_id: int) -> None:
        self.dialer = dialer
        self.project_id = project_id
        self.stats = DialerStatistics()
        self.policy: PacingPolicy | None = None
        self.policy_key: tuple[Any, ...] = ()
        self.connect_seconds = 2.0
        self.ring_timeout = 25.0
        self.settings: dict[str, Any] = {}
        self.caller_id = ""
        self.dialing: dict[int, float] = {}
        self.waiting: dict[int, float] = {}
        self.reserved: dict[int, int] = {}
        # Operator -> when their dialer call was connected, and when its wrap-up began.
        self.talking: dict[int, float] = {}
        self.wrapping: dict[int, float] = {}
        self.connected: dict[int, int] = {}
        self.routing = asyncio.Lock()

    @property
    def backend(self) -> TelephonyBackend:
        return self.dialer.backend

    async def start(self) -> None:
        """Reconcile what the database thinks is in flight with what the PBX holds."""
        active = await self.backend.active_calls()
        closed = await db(calls.reconcile_calls)(self.project_id, active)
        if closed:
            logger.warning("project %s: closed %s calls lost in a restart", self.project_id, closed)

    def _configure(self, project: Project) -> None:
        key, policy = _policy_for(project)
        if key != self.policy_key:
            self.policy_key, self.policy = key, policy
        self.connect_seconds = float(project.abandon_after_seconds)
        self.settings = dict(project.telephony_settings or {})
        self.ring_timeout = float(self.settings.get("ring_timeout_seconds", 25.0))
        self.caller_id = project.caller_id

    async def tick(self) -> None:
        project = await db(_project)(self.project_id)
        self._configure(project)
        await self.serve_requests()
        if project.status != ProjectStatusChoices.RUNNING or self.policy is None:
            return
        operators = await db(calls.available_operators)(self.project_id)
        now = time.monotonic()
        available_ids = {user_id for user_id, _ in operators}
        for operator_id in available_ids:
            # Back from a dialer call: its talk (if the card was saved mid-call) or wrap-up ends.
            if operator_id in self.talking:
                self.stats.record_talk_time(now - self.talking.pop(operator_id))
            if operator_id in self.wrapping:
                self.stats.record_wrap_up_time(now - self.wrapping.pop(operator_id))
        free = sorted(available_ids - set(self.reserved.values()))
        dialing = Counter(round(t) for t in self.dialing.values())
        snapshot = Snapshot(
            now=now,
            available=len(free),
            talking_since=list(self.talking.values()),
            wrap_up_since=list(self.wrapping.values()),
            dialing=dict(dialing),
            waiting=len(self.waiting),
            paused=0,
            logged_in=len(free) + len(self.talking) + len(self.wrapping),
            stats=self.stats,
        )
        count = self.policy.calls_to_start(snapshot)
        if count > 0:
            # One transaction writes the calls as Dialing and reserves callbacks' assignees.
            claimed = await db(calls.claim_leads)(project, count, free, dialing=True)
            for claim in claimed:
                await self.originate(claim.call_id, claim.number, claim.operator_id)

    async def serve_requests(self) -> None:
        """Place calls operators asked for and hang up calls they ended."""
        for call_id in await db(_hangup_requests)(self.project_id):
            with contextlib.suppress(Exception):
                await self.backend.hangup(str(call_id), HangupCause.OPERATOR_HANGUP)
        for call_id, number, operator_id in await db(_pending_reserved)(self.project_id):
            await db(calls.do_mark_dialing)(call_id)
            await self.originate(call_id, number, operator_id)

    async def originate(self, call_id: int, number: str, operator_id: int | None) -> None:
        """Place a call already written as Dialing (its operator, if any, already reserved)."""
        if operator_id is not None:
            self.reserved[call_id] = operator_id
        self.dialer.owner[call_id] = self
        self.dialing[call_id] = time.monotonic()
        self.stats.record_dial()
        try:
            await self.backend.originate(
                str(call_id),
                number,
                caller_id=self.caller_id,
                timeout=self.ring_timeout,
                settings=self.settings,
            )
        except Exception:
            logger.exception("originate of call %s failed", call_id)
            await self.ended(call_id, HangupCauseChoices.FAILED)

    async def on_event(self, event: TelephonyEvent) -> None:
        call_id = int(event.call_id)
        now = time.monotonic()
        received = timezone.now()
        if event.type is EventType.RINGING:
            await db_calls(calls.do_mark_ringing)(call_id)
        elif event.type is EventType.ANSWERED_HUMAN:
            started = self.dialing.pop(call_id, now)
            self.stats.record_resolution(now, now - started, True)
            self.stats.record_person_answer(now)
            # Marked answered and, if someone is free, connected in one transaction.
            operator_id = await db_calls(calls.do_answer_call)(
                call_id, self.project_id, self.reserved.get(call_id), received
            )
            if operator_id is not None:
                await self.connect(call_id, operator_id, now)
            else:
                self.waiting[call_id] = now
        elif event.type is EventType.ANSWERED_MACHINE:
            started = self.dialing.pop(call_id, now)
            self.stats.record_resolution(now, now - started, False)
            await db_calls(calls.do_mark_answered)(call_id, machine=True, at=received)
            if call_id in self.reserved:
                # An operator dialing by hand decides for themselves what answered.
                self.waiting[call_id] = now
                await self.route_waiting()
            else:
                with contextlib.suppress(Exception):
                    await self.backend.hangup(event.call_id, HangupCause.MACHINE)
        elif event.type is EventType.HANGUP:
            if call_id in self.dialing:
                started = self.dialing.pop(call_id)
                self.stats.record_resolution(now, now - started, False)
            if self.waiting.pop(call_id, None) is not None and call_id not in self.reserved:
                self.stats.record_abandon(now)
            cause = event.cause.value if event.cause else HangupCauseChoices.NORMAL
            await self.ended(call_id, cause)

    async def ended(self, call_id: int, cause: str) -> None:
        self.dialing.pop(call_id, None)
        self.waiting.pop(call_id, None)
        self.reserved.pop(call_id, None)
        operator_id = self.connected.pop(call_id, None)
        if operator_id is not None and operator_id in self.talking:
            now = time.monotonic()
            self.stats.record_talk_time(now - self.talking.pop(operator_id))
            self.wrapping[operator_id] = now
        self.dialer.owner.pop(call_id, None)
        await db_calls(calls.do_mark_ended)(call_id, cause)

    async def route_waiting(self) -> None:
        """Connect answered calls to operators; abandon those nobody took in time."""
        if not self.waiting:
            return
        # The routing loop and an answer event both route; interleaved at their awaits they
        # would give one call to two operators.
        async with self.routing:
            await self._route_waiting()

    async def _route_waiting(self) -> None:
        now = time.monotonic()
        for call_id, answered in sorted(self.waiting.items(), key=lambda item: item[1]):
            if call_id not in self.waiting:
                continue  # ended while an earlier call was being routed
            reserved = self.reserved.get(call_id)
            operator_id = await db_calls(calls.do_route_call)(call_id, self.project_id, reserved)
            if call_id not in self.waiting:
                continue  # hung up meanwhile: the hang-up closed it
            if operator_id is not None:
                await self.connect(call_id, operator_id, now)
            elif reserved is None and now - answered >= self.connect_seconds:
                await self.abandon(call_id, now)

    async def connect(self, call_id: int, operator_id: int, now: float) -> None:
        """Bridge a call the database already gave to the operator (their card has popped)."""
        self.waiting.pop(call_id, None)
        self.reserved.pop(call_id, None)
        self.talking[operator_id] = now
        self.connected[call_id] = operator_id
        try:
            await self.backend.connect(str(call_id), operator_id)
        except Exception:
            # Gone at the moment of the bridge: hang it up; the operator wraps the call up
            # like any other that ended (the card shows it ended) and sets its result.
            logger.warning("call %s ended before it reached operator %s", call_id, operator_id)
            with contextlib.suppress(Exception):
                await self.backend.hangup(str(call_id), HangupCause.FAILED)

    async def abandon(self, call_id: int, now: float) -> None:
        """Nobody free within the connect time: the message, then the hang-up (counted)."""
        self.waiting.pop(call_id, None)
        self.stats.record_abandon(now)
        with contextlib.suppress(Exception):
            await self.backend.play_message(str(call_id), "abandon")
            await self.backend.hangup(str(call_id), HangupCause.ABANDONED)


class Dialer:
    """Holds leases on running projects and runs a ProjectRunner for each."""

    def __init__(
        self,
        backend: TelephonyBackend | None = None,
        *,
        holder: str | None = None,
        tick_seconds: float = 1.0,
        route_seconds: float = 0.2,
        lease_seconds: float = 10.0,
        housekeeping_seconds: float = 15.0,
    ) -> None:
        self.backend = backend or get_backend()
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"
        self.tick_seconds = tick_seconds
        self.route_seconds = route_seconds
        self.lease_seconds = lease_seconds
        self.housekeeping_seconds = housekeeping_seconds
        self.runners: dict[int, ProjectRunner] = {}
        self.owner: dict[int, ProjectRunner] = {}

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        await self.backend.start()
        tasks = [
            asyncio.create_task(self._pump_events()),
            asyncio.create_task(self._route_loop(stop)),
        ]
        logger.info("dialer %s started with the %s backend", self.holder, self.backend.name)
        last_housekeeping = 0.0
        try:
            while not stop.is_set():
                try:
                    await self._tick()
                    if time.monotonic() - last_housekeeping >= self.housekeeping_seconds:
                        last_housekeeping = time.monotonic()
                        await self._housekeeping()
                except Exception:
                    logger.exception("dialer tick failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.tick_seconds)
        finally:
            for task in tasks:
                task.cancel()
            # A cancelled await leaves its job running in the lane's thread, and the job's
            # events are sent through this event loop when it commits: stopping the loop under
            # it left the thread waiting forever and the process unable to exit. Each lane has
            # one thread, so a no-op queued behind them returns when they are done.
            for lane in (db_calls, db):
                with contextlib.suppress(Exception):
                    await lane(_nothing)()
            await self.backend.stop()
            with contextlib.suppress(Exception):
                await db(release_leases)(self.holder)
            logger.info("dialer %s stopped", self.holder)

    async def _tick(self) -> None:
        held = await db(acquire_leases)(self.holder, self.lease_seconds)
        for project_id in held - set(self.runners):
            runner = ProjectRunner(self, project_id)
            await runner.start()
            self.runners[project_id] = runner
            logger.info("dialer %s drives project %s", self.holder, project_id)
        for project_id in set(self.runners) - held:
            # Lost or paused: calls in progress finish through the event stream.
            self.runners.pop(project_id)
        for runner in list(self.runners.values()):
            await runner.tick()

    async def _route_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            for runner in list(self.runners.values()):
                try:
                    await runner.route_waiting()
                except Exception:
                    logger.exception("routing failed")
            await asyncio.sleep(self.route_seconds)

    async def _pump_events(self) -> None:
        async for event in self.backend.events():
            runner = self.owner.get(int(event.call_id))
            if runner is None:
                logger.debug("event for a call of no runner: %s", event)
                continue
            try:
                await runner.on_event(event)
            except Exception:
                logger.exception("handling %s failed", event)

    async def _housekeeping(self) -> None:
        from zvonar.tasks.services import do_send_task_reminders

        await db(do_send_task_reminders)()
