"""`zvonar run`: serve pages and websockets (and, embedded, the dialer) in one process."""

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from zvonar.demo.logins import demo_logins_text


class Command(BaseCommand):
    help = "Serve Zvonar over HTTP and websockets on one port."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--log-level", default="warning")

    def handle(self, *args, host, port, log_level, **options):
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Zvonar is running at {url}"))
        self.stdout.write(f"Telephony backend: {settings.ZVONAR_TELEPHONY_BACKEND}")
        self.stdout.write(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        logins = demo_logins_text()
        if logins:
            self.stdout.write(logins)
        self.stdout.write("Press Ctrl+C to stop.")
        self.stdout.flush()
        uvicorn.run(
            "zvonar.config.asgi:application",
            host=host,
            port=port,
            log_level=log_level,
            lifespan="off",
            ws="websockets-sansio",
        )
