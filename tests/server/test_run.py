"""`zvonar run` stops on Ctrl+C even while an operator's websocket stays open."""

import asyncio
import json
import os
import signal
import subprocess
import sys

import websockets
from scripts.with_services import free_port, wait_for_port

SESSION = r"""
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from zvonar.accounts.models import User
user = User.objects.create_user("olga", password="x")
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "zvonar.accounts.backends.UsernameOrEmailBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def test_ctrl_c_stops_the_server_with_a_websocket_open(tmp_path):
    env = dict(
        os.environ,
        ZVONAR_VAR_DIR=str(tmp_path),
        ZVONAR_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    env.pop("ZVONAR_REDIS_URL", None)
    zvonar = [sys.executable, "-m", "zvonar"]
    subprocess.run([*zvonar, "migrate", "-v0"], env=env, check=True)
    session = subprocess.run(
        [*zvonar, "shell", "-c", SESSION], env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    port = free_port()
    server = subprocess.Popen(
        [*zvonar, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port)

        async def hold_socket_and_interrupt() -> int:
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/ws/workplace/",
                additional_headers={"Cookie": f"sessionid={session}", "Origin": base},
            ) as ws:
                await ws.send(json.dumps({"type": "ping"}))
                assert json.loads(await ws.recv()) == {"type": "pong"}
                server.send_signal(signal.SIGINT)
                # The browser does not leave; the server must close on its own.
                return await asyncio.to_thread(server.wait, 30)

        # Stopped by the interrupt, not killed; the embedded dialer finished its own shutdown
        # (it was once cancelled halfway by the signal uvicorn raised again), and no traceback.
        assert asyncio.run(hold_socket_and_interrupt()) == 0
        out, err = server.communicate(timeout=5)
        assert "Traceback" not in err
        assert "dialer" in err and "stopped" in err.splitlines()[-1]
        assert out.splitlines()[-1] == "Stopped."
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
