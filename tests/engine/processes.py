"""Dialer processes against a database of their own, for crash and takeover tests."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

SETUP = """
import json, os
from datetime import time
from zvonar.accounts.models import User
from zvonar.accounts.services import do_set_operator_status
from zvonar.campaigns.models import Project
options = json.loads(os.environ["ZVONAR_TEST_OPTIONS"])
for project in Project.objects.all():
    project.status = "running" if project.name in options["running"] else "paused"
    project.work_days = [0, 1, 2, 3, 4, 5, 6]
    project.work_start = project.local_call_start = time(0, 0)
    project.work_end = project.local_call_end = time(23, 59, 59)
    project.dial_mode = options.get("mode", project.dial_mode)
    project.power_ratio = options.get("ratio", 2)
    project.telephony_settings = options["telephony"]
    project.save()
for username in options["available"]:
    user = User.objects.get(username=username)
    project = Project.objects.filter(memberships__user=user, name__in=options["running"]).first()
    do_set_operator_status(user, "available", project=project)
"""


class Database:
    """A fresh database: a SQLite file, or a new database on the test PostgreSQL server."""

    def __init__(self, tmp_path: Path) -> None:
        base = os.environ.get("ZVONAR_DATABASE_URL", "")
        if base.startswith("postgres"):
            import psycopg

            self.name = f"zvonar_{secrets.token_hex(4)}"
            parsed = urlparse(base)
            self.admin_url = base
            with psycopg.connect(base, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = parsed._replace(path=f"/{self.name}").geturl()
            self.vendor = "postgresql"
        else:
            self.url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
            self.vendor = "sqlite"
        self.env = dict(os.environ, ZVONAR_DATABASE_URL=self.url, ZVONAR_VAR_DIR=str(tmp_path))
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def zvonar(self, *args: str, timeout: float = 120, **env: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "zvonar", *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def prepare(self, **options) -> None:
        self.zvonar("migrate", "--noinput", "-v0")
        self.zvonar("demo", "--contacts", str(options.pop("contacts", 80)))
        self.zvonar("shell", "-c", SETUP, ZVONAR_TEST_OPTIONS=json.dumps(options))

    def rows(self, sql: str) -> list[tuple]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.url) as connection:
                return connection.execute(sql).fetchall()
        import sqlite3

        connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=20)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def start_dialer(database: Database, *args: str, log: Path) -> subprocess.Popen:
    handle = log.open("a")
    return subprocess.Popen(
        [sys.executable, "-m", "zvonar", "dialer", *args],
        env=database.env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(30)


def wait_for(predicate, seconds: float, step: float = 0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {seconds} s")
