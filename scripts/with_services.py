"""Run a command beside a throwaway PostgreSQL cluster and Redis server on loopback.

    python scripts/with_services.py --postgres --redis -- pytest

The servers come from Debian's packages (postgresql, redis-server), live in a temporary
directory and are gone when the command ends. The command sees ZVONAR_DATABASE_URL and
ZVONAR_REDIS_URL. Tests can start more servers themselves with the same functions.
"""

import argparse
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (tests and benchmarks use it too)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise SystemExit(
            "PostgreSQL is not installed: apt-get install postgresql (make test does it as root)"
        )
    return Path(candidates[0]).parent


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package brings the postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def wait_for_port(port: int, seconds: float = 30.0) -> None:
    """Return once something accepts connections on 127.0.0.1:port; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextlib.contextmanager
def postgres_cluster(settings: dict[str, str] | None = None) -> Iterator[str]:
    """A fresh cluster; yields its database URL (user zvonar, database zvonar). `settings`
    are passed to the server as `-c name=value` over the test defaults."""
    bindir = _postgres_bin()
    workdir = Path(tempfile.mkdtemp(prefix="zvonar-pg-"))
    datadir = workdir / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    workdir.chmod(0o700)
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(datadir),
                    "-U",
                    "zvonar",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        ) + "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(datadir),
                    "-o",
                    options,
                    "-l",
                    str(workdir / "postgres.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                str(bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "zvonar",
                "zvonar",
            ],
            check=True,
        )
        print(f"PostgreSQL {bindir.parent.name} running on 127.0.0.1:{port}", flush=True)
        yield f"postgres://zvonar@127.0.0.1:{port}/zvonar"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A fresh Redis without persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("Redis is not installed: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        print(f"Redis running on 127.0.0.1:{port}", flush=True)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if args.postgres:
            env["ZVONAR_DATABASE_URL"] = stack.enter_context(postgres_cluster())
            env["ZVONAR_TEST_DATABASE"] = "postgres"
        if args.redis:
            env["ZVONAR_REDIS_URL"] = stack.enter_context(redis_server())
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())
