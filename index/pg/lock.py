"""The writer lock in PostgreSQL: a session advisory lock, one indexing run at a time across all hosts.

The lock lives as long as the session of a connection of its own: a run that
ends releases it before it closes the connection, and one that is killed
releases it too, when the server sees its connection close. Beside it the
holder keeps a row in ``writer`` saying who it is and since when, removed when
it releases the lock, as the file lock's holder keeps a record: a row left
while the lock is free says that a run was killed. The key is the schema's, so that each schema of a database
(each index) has its own writer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from index.lock import Holder, LockStatus, busy, this_process
from index.pg.connect import connect, shown

log = logging.getLogger(__name__)

WRITING = 0x6E657777  # advisory lock key of the writer, with the schema's hash ("neww")
# The server probes the writer's connection after this many idle seconds, then every 10 s, 3 times: a writer
# whose host died (no connection closed) frees the lock within about a minute, not the system's 2 hours.
KEEPALIVE_IDLE_S = 30
_TRY = "SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))"
_UNLOCK = "SELECT pg_advisory_unlock(%s, hashtext(current_schema()))"


class AdvisoryLock:
    """The writer lock of the index in the database at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = f"the writer lock of {shown(url)}"

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Take the lock for the block; IndexBusyError at once, naming the holder, when another run holds it."""
        conn = connect(self.url)
        try:
            conn.execute(f"SET tcp_keepalives_idle = {KEEPALIVE_IDLE_S}")
            conn.execute("SET tcp_keepalives_interval = 10")
            conn.execute("SET tcp_keepalives_count = 3")
            if not _taken(conn):
                raise busy(_holder(conn), self.where)
            me = this_process()
            conn.execute(
                "INSERT INTO writer (pid, host, command, since) VALUES (%s, %s, %s, %s) ON CONFLICT (one)"
                " DO UPDATE SET pid = excluded.pid, host = excluded.host, command = excluded.command,"
                " since = excluded.since",
                (me.pid, me.host, me.command, me.since),
            )
            try:
                yield
            finally:
                _release(conn)
        finally:
            conn.close()

    def status(self) -> LockStatus:
        """Whether a run holds the lock now (tried for an instant), and the row its last holder left."""
        with connect(self.url) as conn:
            held = not _taken(conn)
            if not held:
                conn.execute(_UNLOCK, (WRITING,))
            return LockStatus(held, _holder(conn))

    def holder(self) -> Holder | None:
        with connect(self.url) as conn:
            return _holder(conn)


def _release(conn: psycopg.Connection) -> None:
    """Remove the holder's row and free the lock now: the server ends a closed connection's session (and its
    locks) only a moment later, when the next run, or the check after a repair, may already be asking.

    A connection lost midway lost the lock too, and its row tells of the run; failing to say so is logged, not
    raised, so that the run's own error (most likely the same lost connection) is the one reported.
    """
    if conn.closed:
        return
    try:
        conn.execute("DELETE FROM writer")
        conn.execute(_UNLOCK, (WRITING,))
    except psycopg.Error as exc:
        log.warning("The writer lock's row could not be removed (%s); the lock is freed as the connection closes.",
                    " ".join(str(exc).split()))


def _taken(conn: psycopg.Connection) -> bool:
    row = conn.execute(_TRY, (WRITING,)).fetchone()
    return bool(row and row[0])


def _holder(conn: psycopg.Connection) -> Holder | None:
    """The row in ``writer``; None without one, or before the tables are created."""
    exists = conn.execute("SELECT to_regclass('writer') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    row = conn.execute("SELECT pid, host, command, since FROM writer").fetchone()
    return Holder(*row) if row else None
