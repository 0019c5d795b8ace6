"""Small tables kept beside the index's records, in the index's database: one adapter for each kind.

The bot's follows and answer history and the feed cache of the HTTP fetcher
are a few small tables each. They live where the index's records live, so that
every process using the index (on any host) sees the same rows: in SQLite mode
in the manifest's file (the tables created there when missing), in PostgreSQL
mode in the tables of the migrations (``index/migrations``), through one pool
per process and address shared by all of them. Statements are written once,
with ``?`` placeholders and SQL both databases accept; only how a statement is
sent differs. Rows kept by earlier versions in a file of their own are copied
in once (:func:`adopt`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # psycopg is imported by the PostgreSQL mode only
    from psycopg_pool import ConnectionPool

__all__ = ["Place", "PostgresTables", "SqliteTables", "Tables", "adopt", "open_tables"]


# How long a statement waits for another connection's write to the file to end: the manifest's file is shared with
# indexing runs, whose transactions (a batch of articles) hold it for seconds.
BUSY_SECONDS = 30.0


class Tables(Protocol):
    """A few small tables in one database; safe to use from several threads, each statement its own transaction."""

    order: str  # the column giving the order rows were added in (where a table has one)

    def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    def run_many(self, sql: str, rows: list[Sequence[Any]]) -> None: ...

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """The rows a statement returns (a query, or a change with RETURNING)."""
        ...

    def follow_ids(self, table: str, column: str) -> None:
        """After rows were added with ids of their own, the next generated id of ``table`` follows the largest."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Place:
    """Where the small tables live: the PostgreSQL database at ``url``, else the SQLite file at ``path``."""

    path: Path
    url: str | None = field(default=None, repr=False)  # may hold a password
    busy_seconds: float = BUSY_SECONDS  # how long a statement waits for another writer of the SQLite file


def open_tables(place: Place, schema: str, prepare: Callable[[Tables], object] | None = None) -> Tables:
    """The tables at ``place``; ``schema`` creates them in a SQLite file (PostgreSQL has its migrations).

    ``prepare`` runs on them before they are handed out (copying in an earlier
    version's rows, dropping stale ones); where it fails they are closed again,
    so no pool or file is left open.
    """
    tables: Tables = (
        PostgresTables(place.url) if place.url is not None else SqliteTables(place.path, schema, place.busy_seconds)
    )
    if prepare is not None:
        try:
            prepare(tables)
        except BaseException:
            tables.close()
            raise
    return tables


class SqliteTables:
    """Tables in a SQLite file, one statement at a time under a lock."""

    order = "rowid"

    def __init__(self, path: Path, schema: str, busy_seconds: float = BUSY_SECONDS) -> None:
        self._db = open_local(path, schema, busy_seconds)
        self._lock = threading.Lock()

    def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    def run_many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        with self._lock:
            self._db.executemany(sql, rows)

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def follow_ids(self, table: str, column: str) -> None:
        """Nothing to do: SQLite gives a new row the largest id plus one."""

    def close(self) -> None:
        with self._lock:
            self._db.close()


class PostgresTables:
    """Tables in the PostgreSQL database at ``url``, through the process's shared pool for that address."""

    order = "seq"

    def __init__(self, url: str) -> None:
        self._url = url
        self._pool = _POOLS.take(url)
        self._closed = False

    def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        with self._pool.connection() as conn:
            return conn.execute(_pg(sql), args).rowcount

    def run_many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if rows:
            with self._pool.connection() as conn:
                conn.cursor().executemany(_pg(sql), rows)

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        with self._pool.connection() as conn:
            return conn.execute(_pg(sql), args).fetchall()

    def follow_ids(self, table: str, column: str) -> None:
        from psycopg import sql as pgsql

        # Never backwards: ids past the largest row may have been given already (to rows since deleted, or by
        # another process meanwhile); the sequence's last value is NULL where it never gave one, passed over.
        statement = pgsql.SQL("SELECT setval(s.seq, GREATEST(max({col}), pg_sequence_last_value(s.seq)))"
                              " FROM {table}, (SELECT pg_get_serial_sequence({t}, {c})::regclass AS seq) s"
                              " GROUP BY s.seq HAVING count(*) > 0")  # fmt: skip
        query = statement.format(t=pgsql.Literal(table), c=pgsql.Literal(column), col=pgsql.Identifier(column),
                                 table=pgsql.Identifier(table))  # fmt: skip
        with self._pool.connection() as conn:
            conn.execute(query)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            _POOLS.give_back(self._url)


def open_local(path: Path, schema: str, busy_seconds: float = BUSY_SECONDS) -> sqlite3.Connection:
    """``path``'s database with ``schema`` applied, in autocommit and WAL mode, shareable between threads
    (callers serialise their statements with a lock of their own); a statement waits ``busy_seconds`` for
    another connection's write to end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=busy_seconds)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(schema)
    return db


def _pg(sql: str) -> str:
    """A statement written with ``?`` placeholders (which no statement of these tables has otherwise) for psycopg."""
    return sql.replace("?", "%s")


class _Pools:
    """One pool per address for the small tables of a process, opened (and migrated) for its first user and
    closed when its last user is done: the follows, the history and a run's fetcher share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, tuple[ConnectionPool, int]] = {}

    def take(self, url: str) -> ConnectionPool:
        from index.pg import migrated_pool

        with self._lock:
            pool, users = self._open.get(url) or (migrated_pool(url), 0)
            self._open[url] = (pool, users + 1)
            return pool

    def give_back(self, url: str) -> None:
        with self._lock:
            pool, users = self._open[url]
            if users > 1:
                self._open[url] = (pool, users - 1)
                return
            del self._open[url]
        pool.close()

    def count(self) -> int:
        with self._lock:
            return len(self._open)


_POOLS = _Pools()


def open_pools() -> int:
    """How many pools the small tables of this process hold open: one per database address in use."""
    return _POOLS.count()


def adopt(legacy: Path, schema: str, target: Tables, copy: Callable[[Tables, Tables], object]) -> bool:
    """Copy the rows of an earlier version's file at ``legacy`` (tables made by ``schema``) into ``target`` with
    ``copy``, then rename the file (``.moved``) so that they are copied once; False when there was none.

    Processes sharing a data folder may start together: the file is first
    claimed by renaming it (``.adopting``), which one of them only can do, and
    the others go on without copying anything. Where the copy fails, the file
    is put back for the next start to try again.
    """
    claimed = legacy.with_name(legacy.name + ".adopting")
    try:
        legacy.rename(claimed)
    except FileNotFoundError:  # none, or another process claimed it first
        return False
    sidecars = _carry_sidecars(legacy, claimed)
    try:
        old = SqliteTables(claimed, schema)
        try:
            copy(old, target)
        finally:
            old.close()
    except BaseException:
        claimed.rename(legacy)
        _carry_sidecars(claimed, legacy, sidecars)
        raise
    claimed.rename(legacy.with_name(legacy.name + ".moved"))
    return True


def _carry_sidecars(old: Path, new: Path, suffixes: Sequence[str] = ("-wal", "-shm")) -> list[str]:
    """Rename the write-ahead log files of SQLite's file ``old`` to go with ``new``; the suffixes there were."""
    carried = []
    for suffix in suffixes:
        try:
            old.with_name(old.name + suffix).rename(new.with_name(new.name + suffix))
        except FileNotFoundError:
            continue
        carried.append(suffix)
    return carried
