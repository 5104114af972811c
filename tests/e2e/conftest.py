"""A real Chromium (Debian's package) driven by Playwright against the live test server."""

import os
import shutil
from pathlib import Path

import pytest
from scripts.with_services import free_port

CHROMIUM = os.environ.get("ZVONAR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without these Chromium keeps calling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Per module: Playwright's sync API holds an event loop on the main thread while it runs,
# which asyncio tests of other modules need for themselves.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class AsgiServer:
    """Pages, websockets and the dialer in one thread, as `zvonar run` serves them."""

    def __init__(self, backend_config: dict, tick_seconds: float = 0.5) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.backend_config = backend_config
        self.tick_seconds = tick_seconds

    def start(self) -> None:
        import asyncio
        import threading
        import time

        import uvicorn
        from asgiref.sync import sync_to_async
        from django.db import connections

        from zvonar.dialer.engine import Dialer
        from zvonar.telephony.sim import SimBackend

        config = uvicorn.Config(
            "zvonar.config.asgi:application",
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ws="websockets-sansio",
        )
        self.server = uvicorn.Server(config)

        async def main():
            self.stop = asyncio.Event()
            dialer = Dialer(SimBackend(self.backend_config), tick_seconds=self.tick_seconds)
            task = asyncio.create_task(dialer.run(self.stop))
            try:
                await self.server.serve()
            finally:
                self.stop.set()
                await asyncio.gather(task, return_exceptions=True)
                # Free the test database for its teardown.
                await sync_to_async(connections.close_all, thread_sensitive=True)()

        self.thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started, "the ASGI test server did not start"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture
def asgi_server(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    server = AsgiServer({"seed": 11})
    server.start()
    yield server
    server.close()
