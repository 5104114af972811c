"""`zvonar run`: serve pages and websockets and, embedded, run the dialer in the same process."""

import asyncio
import logging

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from zvonar.demo.logins import demo_logins_text


class Server(uvicorn.Server):
    """uvicorn's server, stopped by Ctrl+C or SIGTERM without re-raising the signal.

    uvicorn raises a caught signal again once it has shut down. Under `asyncio.run` that
    second SIGINT cancelled the main task while it waited for the embedded dialer to stop, so
    the dialer's shutdown (its calls' last writes, releasing its leases) was cut short, and
    the user saw three tracebacks.
    """

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        self._captured_signals.clear()


class Command(BaseCommand):
    help = "Serve Zvonar over HTTP and websockets on one port, with the dialer in-process."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--log-level", default="warning")
        parser.add_argument(
            "--no-dialer",
            action="store_true",
            help="serve pages only; a separate `zvonar dialer` drives the projects",
        )

    def handle(self, *args, host, port, log_level, no_dialer, **options):
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Zvonar is running at {url}"))
        self.stdout.write(f"Telephony backend: {settings.ZVONAR_TELEPHONY_BACKEND}")
        self.stdout.write(f"Database: {connection.vendor}")
        self.stdout.write("Dialer: " + ("separate process" if no_dialer else "in this process"))
        logins = demo_logins_text()
        if logins:
            self.stdout.write(logins)
        self.stdout.write("Press Ctrl+C to stop.")
        self.stdout.flush()
        logging.getLogger("zvonar").setLevel(logging.INFO)
        config = uvicorn.Config(
            "zvonar.config.asgi:application",
            host=host,
            port=port,
            log_level=log_level,
            lifespan="off",
            ws="websockets-sansio",
            # Operators' websockets stay open all day: on Ctrl+C close them after a moment
            # instead of waiting for every browser to leave.
            timeout_graceful_shutdown=5,
        )
        asyncio.run(self._serve(Server(config), with_dialer=not no_dialer))
        self.stdout.write("Stopped.")

    async def _serve(self, server: Server, *, with_dialer: bool) -> None:
        stop = asyncio.Event()
        tasks = []
        if with_dialer:
            from zvonar.dialer.engine import Dialer

            tasks.append(asyncio.create_task(Dialer().run(stop)))
        try:
            await server.serve()
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
