"""The embedded SQLite backend queues the process's write transactions instead of letting
SQLite's busy handler starve one of them."""

import threading
import time

import pytest
from django.db import connection, transaction

from zvonar.campaigns.models import Project

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite pass covers it"),
]


def test_a_writer_is_not_starved_by_a_stream_of_short_transactions():
    """One thread commits short transactions back to back for a second; another thread's single
    write must get in between them, not poll SQLite's busy handler until the stream ends."""
    project = Project.objects.create(name="Поток")
    stop = threading.Event()
    started = threading.Event()
    done: dict[str, int] = {}
    commits = [0]

    def stream():
        from django.db import connection as own

        try:
            started.set()
            end = time.monotonic() + 1.0
            while time.monotonic() < end and not stop.is_set():
                with transaction.atomic():
                    Project.objects.filter(pk=project.pk).update(description="поток")
                    time.sleep(0.005)  # a transaction holding the lock a little
                commits[0] += 1
        finally:
            own.close()

    def single():
        from django.db import connection as own

        try:
            started.wait()
            time.sleep(0.05)
            with transaction.atomic():
                Project.objects.filter(pk=project.pk).update(name="Успел")
            done["stream_commits"] = commits[0]
        finally:
            own.close()

    streamer = threading.Thread(target=stream)
    writer = threading.Thread(target=single)
    streamer.start()
    writer.start()
    writer.join(5)
    stop.set()
    streamer.join(5)
    assert "stream_commits" in done
    # Queued in turn, the single write lands while the stream is still going: the stream
    # commits more after it. Starved, it would land only once the stream had ended.
    assert commits[0] > done["stream_commits"]
    project.refresh_from_db()
    assert project.name == "Успел"


def test_the_writer_lock_is_released_after_commit_rollback_and_errors():
    from zvonar.sqlite.base import _writer

    with transaction.atomic():
        Project.objects.create(name="Один")
        assert connection.holds_writer
    assert not connection.holds_writer and not _writer.locked()
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.create(name="Два")
        raise RuntimeError
    assert not _writer.locked()
    assert not Project.objects.filter(name="Два").exists()


def test_a_call_handling_thread_writes_before_waiting_pages():
    """While a transaction runs, a page's write waits; the dialer's call thread, arriving
    later, goes first when the database is free."""
    from zvonar.sqlite.base import mark_thread_urgent

    project = Project.objects.create(name="Очередь")
    holding = threading.Event()
    order: list[str] = []

    def write(name: str, urgent: bool = False, hold: float = 0.0, after: float = 0.0):
        from django.db import connection as own

        try:
            if urgent:
                mark_thread_urgent()
            time.sleep(after)
            with transaction.atomic():
                Project.objects.filter(pk=project.pk).update(description=name)
                order.append(name)
                if hold:
                    holding.set()
                    time.sleep(hold)
        finally:
            own.close()

    holder = threading.Thread(target=write, args=("holder",), kwargs={"hold": 0.5})
    holder.start()
    holding.wait(5)
    page = threading.Thread(target=write, args=("page",))
    call = threading.Thread(target=write, args=("call",), kwargs={"urgent": True, "after": 0.1})
    page.start()
    call.start()
    for thread in (holder, page, call):
        thread.join(10)
    assert order == ["holder", "call", "page"]
