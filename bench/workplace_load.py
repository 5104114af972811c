"""Load on one `zvonar run` process: N operators as websocket clients that take calls and save.

    python bench/workplace_load.py --operators 200 --seconds 60 [--json]

Starts its own embedded product (SQLite under a temporary directory, simulated telephony,
dialer in the same process), logs N operators in, makes them Available in one progressive
project and lets each answer its cards: wait --talk seconds, save a result, take the next.
Prints card-pop latency (the dialer receiving the answer -> the browser receiving the card,
both stamped on this machine's clock) at p50/p99 and saved results per second.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from with_services import free_port, wait_for_port

SETUP = r"""
import json, os
from datetime import time
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from zvonar.accounts.models import User
from zvonar.campaigns.models import CallResult, Lead, Project, ProjectMembership
from zvonar.crm.models import Contact, Phone
options = json.loads(os.environ["BENCH"])
n, leads = options["operators"], options["leads"]
project = Project.objects.create(
    name="Нагрузка", status="running", dial_mode="progressive", work_days=list(range(7)),
    work_start=time(0), work_end=time(23, 59, 59), local_call_start=time(0),
    local_call_end=time(23, 59, 59), abandon_after_seconds=5,
    telephony_settings={"person_answer_rate": 0.9, "machine_rate": 0.0, "busy_rate": 0.05,
        "invalid_rate": 0.05, "time_to_answer_median_seconds": 2, "talk_mean_seconds": 600,
        "amd": False})
CallResult.objects.create(project=project, name="Готово", result_class="success", is_final=True)
users = User.objects.bulk_create([User(username=f"op{i:04d}", first_name=f"Op{i}") for i in range(n)])
ProjectMembership.objects.bulk_create([ProjectMembership(project=project, user=u) for u in users])
contacts = Contact.objects.bulk_create([Contact(last_name=f"Клиент{i}") for i in range(leads)])
phones = Phone.objects.bulk_create([
    Phone(contact=c, number=f"+7495{1000000 + i:07d}", country="RU", time_zone="Europe/Moscow",
          is_primary=True) for i, c in enumerate(contacts)])
Lead.objects.bulk_create([Lead(project=project, contact=c, phone=p) for c, p in zip(contacts, phones)])
sessions = []
for user in users:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "zvonar.accounts.backends.UsernameOrEmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print(json.dumps({"project": project.pk, "sessions": sessions}))
"""
CSRF = "benchbenchbenchbenchbenchbench12"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Operator:
    """One operator's browser: the same requests the workplace page makes.

    On a card pop it loads the card; after --talk seconds it saves a result, whose answer
    carries the new state. Call and status events change the page without a request (it
    applies them itself); a task event makes it re-read the workplace state once per burst
    (the page waits 300 ms to coalesce them).
    """

    def __init__(self, base: str, session: str, project: int, talk: float, results) -> None:
        self.base, self.project, self.talk, self.results = base, project, talk, results
        self.cookies = {"sessionid": session, "csrftoken": CSRF}
        self.refresh_pending = False

    async def refresh_soon(self, http) -> None:
        if self.refresh_pending:
            return
        self.refresh_pending = True
        await asyncio.sleep(0.3)
        self.refresh_pending = False
        try:
            await http.get("/workplace/state/")
        except httpx.HTTPError as error:
            self.results["transport_errors"].append(repr(error))

    async def work_card(self, http, event) -> None:
        try:
            await self._work_card(http, event)
        except httpx.HTTPError as error:
            self.results["transport_errors"].append(repr(error))

    async def _work_card(self, http, event) -> None:
        page = await http.get(f"/workplace/calls/{event['call_id']}/card/")
        marker = 'name="result" id="result-'
        start = page.text.find(marker) + len(marker)
        result_id = page.text[start : page.text.find('"', start)]
        await asyncio.sleep(self.talk)
        response = await http.post(
            f"/workplace/calls/{event['call_id']}/save/", data={"result": result_id}
        )
        if response.status_code == 200:
            self.results["saved"] += 1
        else:
            self.results["errors"] += 1
            self.results["error_samples"].append(f"{response.status_code} call {event['call_id']}")

    async def run(self, stop: asyncio.Event) -> None:
        headers = {"X-CSRFToken": CSRF, "Referer": self.base + "/workplace/"}
        async with httpx.AsyncClient(
            base_url=self.base, cookies=self.cookies, headers=headers, timeout=30
        ) as http:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            url = self.base.replace("http", "ws") + "/ws/workplace/"
            async with websockets.connect(
                url, additional_headers={"Cookie": cookie, "Origin": self.base}, open_timeout=30
            ) as socket_:
                await http.post(
                    "/workplace/status/", data={"status": "available", "project": self.project}
                )
                self.results["ready"] += 1
                background = set()
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(socket_.recv(), 1.0)
                    except TimeoutError:
                        continue
                    received = time.time()
                    event = json.loads(raw)
                    if event.get("type") == "card" and event.get("op") == "pop":
                        if event.get("answered_at"):
                            self.results["latency"].append(received - event["answered_at"])
                        task = asyncio.create_task(self.work_card(http, event))
                    elif event.get("type") == "task":
                        task = asyncio.create_task(self.refresh_soon(http))
                    else:
                        continue
                    background.add(task)
                    task.add_done_callback(background.discard)
                for task in background:
                    task.cancel()


async def drive(base: str, setup: dict, seconds: float, talk: float) -> dict:
    results = {
        "latency": [],
        "saved": 0,
        "errors": 0,
        "error_samples": [],
        "ready": 0,
        "transport_errors": [],
    }
    stop = asyncio.Event()
    operators = [Operator(base, s, setup["project"], talk, results) for s in setup["sessions"]]
    tasks = [asyncio.create_task(op.run(stop)) for op in operators]
    # Measure the working day, not the morning log-in: everybody available, then 10 s for
    # the first wave of calls to settle.
    deadline = time.monotonic() + 120
    while results["ready"] < len(operators) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(10)
    results["latency"].clear()
    saved_before, started = results["saved"], time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - started
    saved = results["saved"] - saved_before
    # Requests cut off by the shutdown below are not the server's failures.
    transport_errors = list(results["transport_errors"])
    stop.set()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [repr(d) for d in done if isinstance(d, Exception)]
    latency_ms = [1000 * value for value in results["latency"]]
    return {
        "operators": len(operators),
        "seconds": round(elapsed, 1),
        "cards": len(latency_ms),
        "card_pop_p50_ms": round(percentile(latency_ms, 0.50), 1),
        "card_pop_p99_ms": round(percentile(latency_ms, 0.99), 1),
        "card_pop_mean_ms": round(statistics.fmean(latency_ms), 1) if latency_ms else None,
        "saved_per_second": round(saved / elapsed, 2),
        "save_errors": results["errors"],
        "transport_errors": len(transport_errors),
        "transport_error_samples": sorted(set(transport_errors))[:3],
        "client_failures": failures[:3],
        "error_samples": sorted(set(results["error_samples"]))[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--talk", type=float, default=2.0, help="seconds before saving a card")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="zvonar-load-"))
    env = dict(
        os.environ,
        ZVONAR_VAR_DIR=str(var),
        ZVONAR_DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
        ZVONAR_TELEPHONY_CONFIG=json.dumps({"seed": 3}),
        BENCH=json.dumps({"operators": args.operators, "leads": args.operators * 100}),
    )
    env.pop("ZVONAR_REDIS_URL", None)
    zvonar = [sys.executable, "-m", "zvonar"]
    subprocess.run([*zvonar, "migrate", "-v0"], env=env, check=True)
    out = subprocess.run(
        [*zvonar, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    ).stdout
    setup = json.loads(out.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [*zvonar, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_port(port)
        row = asyncio.run(drive(base, setup, args.seconds, args.talk))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            # Said, not hidden: Ctrl+C should stop the server well within this.
            print("the server did not stop within 30 s of Ctrl+C; killed", file=sys.stderr)
            server.kill()
            server.wait()
    row["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    row["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if args.json:
        print(json.dumps(row, ensure_ascii=False, indent=2))
    else:
        print("| operators | cards | card pop p50, ms | card pop p99, ms | saved/s | errors |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(
            f"| {row['operators']} | {row['cards']} | {row['card_pop_p50_ms']} | "
            f"{row['card_pop_p99_ms']} | {row['saved_per_second']} | {row['save_errors']} |"
        )
        print(f"\n{row['date']}, {row['machine']}, {row['seconds']} s measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
