"""Two dialer processes on PostgreSQL and Redis share the running projects, one driver each;
killing a driver moves its projects to the other within 15 seconds."""

import json
import os
import signal
import time

import pytest
from tests.engine.processes import Database, start_dialer, stop, wait_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("ZVONAR_DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("ZVONAR_REDIS_URL"),
    reason="needs PostgreSQL and Redis: runs in the PostgreSQL pass of make test",
)


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    yield database
    database.drop()


def holders(database) -> dict[int, str]:
    return dict(database.rows("SELECT project_id, holder FROM dialer_dialerlease"))


def test_each_project_has_one_driver_and_a_dead_one_is_replaced(database, tmp_path):
    """Both projects get exactly one holder; after kill -9 the survivor holds both in ≤ 15 s."""
    database.prepare(
        running=["Продажа ОСАГО", "Опрос удовлетворённости"],
        available=["operator1", "operator2", "operator3"],
        telephony={"person_answer_rate": 0.0, "ring_timeout_seconds": 15},
        contacts=40,
    )
    projects = {row[0] for row in database.rows("SELECT id FROM campaigns_project")}
    config = json.dumps({"time_scale": 0.5})
    log = tmp_path / "dialers.log"
    dialers = {
        name: start_dialer(database, "--holder", name, "--backend-config", config, log=log)
        for name in ("alpha", "beta")
    }
    try:
        wait_for(lambda: set(holders(database)) == projects, 30)
        # Over several seconds every project keeps one holder, both dialers alive.
        seen: dict[int, set[str]] = {project: set() for project in projects}
        for _ in range(12):
            for project, holder in holders(database).items():
                seen[project].add(holder)
            time.sleep(0.5)
        assert all(len(names) == 1 for names in seen.values()), seen
        victim = holders(database)[min(projects)]
        survivor = "beta" if victim == "alpha" else "alpha"
        killed_at = time.monotonic()
        stop(dialers[victim], signal.SIGKILL)
        wait_for(lambda: set(holders(database).values()) == {survivor}, 20, step=0.2)
        took = time.monotonic() - killed_at
        assert took <= 15, f"takeover took {took:.1f} s"
        assert set(holders(database)) == projects
        # The survivor really drives the taken project: it places calls there.
        before = database.rows(
            f"SELECT count(*) FROM calls_call WHERE project_id = {min(projects)}"
        )[0][0]
        wait_for(
            lambda: (
                database.rows(
                    f"SELECT count(*) FROM calls_call WHERE project_id = {min(projects)}"
                )[0][0]
                > before
            ),
            20,
        )
    finally:
        for process in dialers.values():
            stop(process)
    print(f"lease takeover after kill -9: {took:.1f} s")
