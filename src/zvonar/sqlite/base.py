"""Django's SQLite backend, with the process's write transactions taken in turn.

SQLite has one writer. A transaction that finds the write lock taken is retried by SQLite's
busy handler, which sleeps between attempts (up to 100 ms at a time) and is not fair: under a
steady stream of short dialer transactions an operator's "save card" could lose the race for
seconds. In `zvonar run` the web pages, websockets and the dialer share one process, so their
write transactions queue on a lock here instead, in arrival order, and each BEGIN IMMEDIATE
finds the database free. Other processes (a separate `zvonar worker`) still meet SQLite's busy
handler, as before.
"""

import threading

from django.db.backends.sqlite3 import base

# Longer than any transaction of ours; past it the transaction goes ahead and SQLite's own
# timeout decides, so a stuck holder cannot wedge the process.
WAIT_SECONDS = 20.0

_writer = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    holds_writer = False

    def _start_transaction_under_autocommit(self):
        self.holds_writer = _writer.acquire(timeout=WAIT_SECONDS)
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
