"""A dialer killed in the middle of calls loses nothing and double-dials nothing."""

import itertools
import json
import signal
import time

import pytest
from tests.engine.processes import Database, start_dialer, stop, wait_for

OPEN = "('created','dialing','ringing','answered_human','answered_machine','waiting','connected')"
# Nobody answers: every call rings out, so calls stay in flight long enough to be cut.
RINGING_ONLY = {
    "person_answer_rate": 0.0,
    "machine_rate": 0.0,
    "busy_rate": 0.05,
    "invalid_rate": 0.05,
    "ring_timeout_seconds": 15,
}


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    yield database
    database.drop()


def open_calls(database):
    return database.rows(f"SELECT count(*) FROM calls_call WHERE state IN {OPEN}")[0][0]


def test_killed_dialer_restarts_without_loss_or_double_dial(database, tmp_path):
    """kill -9 mid-calls, restart: calls are reconciled, leads callable, no number twice at once."""
    database.prepare(
        running=["Продажа ОСАГО"],
        available=["operator1", "operator2"],
        mode="power",
        ratio=4,
        telephony=RINGING_ONLY,
    )
    log = tmp_path / "dialer.log"
    config = json.dumps({"time_scale": 0.3, "seed": 5})
    args = ("--tick", "0.3", "--backend-config", config)
    first = start_dialer(database, *args, "--holder", "first", log=log)
    try:
        wait_for(lambda: open_calls(database) >= 6, 60)
    finally:
        stop(first, signal.SIGKILL)
    cut = open_calls(database)
    assert cut >= 6, "the crash should leave calls open"

    second = start_dialer(database, *args, "--holder", "second", "--lease-seconds", "3", log=log)
    try:
        wait_for(
            lambda: (
                database.rows("SELECT count(*) FROM calls_call WHERE hangup_cause='lost'")[0][0]
                >= cut
            ),
            40,
        )
        time.sleep(3)  # new calls placed after the reconciliation
        database.rows("SELECT 1")
        pause = "UPDATE campaigns_project SET status='paused'"
        if database.vendor == "postgresql":
            import psycopg

            with psycopg.connect(database.url, autocommit=True) as connection:
                connection.execute(pause)
        else:
            import sqlite3

            connection = sqlite3.connect(database.url.removeprefix("sqlite:///"), timeout=20)
            connection.execute(pause)
            connection.commit()
            connection.close()
        wait_for(lambda: open_calls(database) == 0, 60)
    finally:
        stop(second)
    assert open_calls(database) == 0
    assert not database.rows(
        "SELECT id, state FROM campaigns_lead WHERE state IN ('in_call', 'preview')"
    ), "every lead is finished or callable again"
    calls = database.rows(
        "SELECT number, created_at, ended_at FROM calls_call WHERE dial_started_at IS NOT NULL"
        " ORDER BY number, created_at"
    )
    assert len(calls) > cut
    for (number, _, ended), (next_number, started, _) in itertools.pairwise(calls):
        if number == next_number:
            assert str(started) >= str(ended), f"{number} was dialed twice at once"
    lost = database.rows(
        "SELECT count(*) FROM campaigns_lead l JOIN calls_call c ON c.lead_id = l.id"
        " WHERE c.hangup_cause = 'lost' AND l.state NOT IN ('new', 'retry', 'callback',"
        " 'done', 'exhausted')"
    )[0][0]
    assert lost == 0
