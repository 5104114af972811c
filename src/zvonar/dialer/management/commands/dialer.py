"""`zvonar dialer`: run the dialer as its own process (production; several may run)."""

import asyncio
import json
import signal

from django.core.management.base import BaseCommand

from zvonar.dialer.engine import Dialer
from zvonar.telephony.registry import get_backend


class Command(BaseCommand):
    help = "Drive the running projects this process holds a lease on."

    def add_arguments(self, parser):
        parser.add_argument("--backend", default=None, help="telephony backend (default: settings)")
        parser.add_argument("--backend-config", default="{}", help="JSON config for the backend")
        parser.add_argument("--holder", default=None, help="name of this dialer in leases")
        parser.add_argument("--tick", type=float, default=1.0)
        parser.add_argument("--lease-seconds", type=float, default=10.0)

    def handle(self, *args, backend, backend_config, holder, tick, lease_seconds, **options):
        dialer = Dialer(
            get_backend(backend, json.loads(backend_config)),
            holder=holder,
            tick_seconds=tick,
            lease_seconds=lease_seconds,
        )
        self.stdout.write(f"Dialer {dialer.holder} starting ({dialer.backend.name} telephony)")
        self.stdout.flush()
        asyncio.run(self._run(dialer))

    async def _run(self, dialer: Dialer) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await dialer.run(stop)
