"""Django's SQLite backend, with the process's write transactions taken in turn.

SQLite has one writer. A transaction that finds the write lock taken is retried by SQLite's
busy handler, which sleeps between attempts (up to 100 ms at a time) and is not fair: under a
steady stream of short dialer transactions an operator's "save card" could lose the race for
seconds. In `zvonar run` the web pages, websockets and the dialer share one process, so their
write transactions queue on a lock here instead, in arrival order, and each BEGIN IMMEDIATE
finds the database free. Other processes (a separate `zvonar worker`) still meet SQLite's busy
handler, as before.

Threads that handle calls (the dialer's answer -> connect path, where a person waits on the
line and the law counts two seconds) mark themselves urgent and go before the queue: a burst
of page saves must not make an answered call wait for a free operator's card.
"""

import threading
from collections import deque

from django.db.backends.sqlite3 import base

# Longer than any transaction of ours; past it the transaction goes ahead and SQLite's own
# timeout decides, so a stuck holder cannot wedge the process.
WAIT_SECONDS = 20.0


class WriterLock:
    """One writer at a time, in arrival order; urgent threads' transactions before the rest.

    A fair queue, not a bare lock: a thread that commits and at once begins again goes to the
    back, so a stream of short transactions cannot keep someone else waiting.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._held = False
        self._urgent: deque[object] = deque()
        self._normal: deque[object] = deque()

    def locked(self) -> bool:
        return self._held

    def acquire(self, *, urgent: bool = False, timeout: float = WAIT_SECONDS) -> bool:
        me = object()
        queue = self._urgent if urgent else self._normal

        def my_turn() -> bool:
            if self._held:
                return False
            return (self._urgent or self._normal)[0] is me

        with self._condition:
            queue.append(me)
            granted = self._condition.wait_for(my_turn, timeout)
            queue.remove(me)
            if granted:
                self._held = True
            else:
                self._condition.notify_all()  # whoever was behind may be first now
            return granted

    def release(self) -> None:
        with self._condition:
            self._held = False
            self._condition.notify_all()


_writer = WriterLock()
_thread = threading.local()


def mark_thread_urgent() -> None:
    """This thread's write transactions go first (a ThreadPoolExecutor initializer)."""
    _thread.urgent = True


class DatabaseWrapper(base.DatabaseWrapper):
    holds_writer = False

    def _start_transaction_under_autocommit(self):
        urgent = getattr(_thread, "urgent", False)
        self.holds_writer = _writer.acquire(urgent=urgent, timeout=WAIT_SECONDS)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self):
        if self.holds_writer:
            self.holds_writer = False
            _writer.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self):
        # Closing a connection inside a transaction rolls it back.
        try:
            return super()._close()
        finally:
            self._release_writer()
