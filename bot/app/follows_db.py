"""Where the follows live: the index's database, through one small adapter for each kind.

SQLite mode keeps the ``follows`` and ``posted`` tables in the manifest's file
(created there when missing); PostgreSQL mode keeps them in the tables of the
migration ``index/migrations/0003_follows.sql``, through a pool. Only how a
statement is sent differs (placeholders, insertion order); what is followed
and what is due stays in ``bot/app/follows.py``. Follows kept by earlier
versions in a file of their own (``follows.sqlite3``) are copied in once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psycopg_pool import ConnectionPool

from bot.app.follows import ADD_FOLLOW, ADD_POSTED, FOLLOW_COLUMNS, POSTED_COLUMNS, Follows, FollowsDb
from bot.app.local import open_local
from bot.app.settings import Settings
from index.pg import migrated_pool

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    channel_id INTEGER NOT NULL,
    topic_key TEXT NOT NULL,
    topic TEXT NOT NULL,
    guild_id INTEGER,
    user_id INTEGER,
    followed_at TEXT NOT NULL,
    since_day TEXT NOT NULL,
    PRIMARY KEY (channel_id, topic_key)
);
CREATE TABLE IF NOT EXISTS posted (
    channel_id INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (channel_id, story_id)
);
"""


class SqliteFollows:
    """The follows' tables in a SQLite file (the manifest's), one statement at a time under a lock."""

    order = "rowid"

    def __init__(self, path: Path) -> None:
        self._db = open_local(path, _SQLITE_SCHEMA)
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

    def close(self) -> None:
        self._db.close()


class PostgresFollows:
    """The follows' tables in PostgreSQL, through a pool shared by threads (each statement its own transaction)."""

    order = "seq"

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

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

    def close(self) -> None:
        self._pool.close()


def _pg(sql: str) -> str:
    """A statement written with ``?`` placeholders (which no statement of the follows has otherwise) for psycopg."""
    return sql.replace("?", "%s")


def open_follows(settings: Settings) -> Follows:
    """The follows in the index's database ``settings`` name, with those of an earlier version's file copied in."""
    db: FollowsDb
    if settings.database_url is not None:
        db = PostgresFollows(migrated_pool(settings.database_url.get_secret_value()))
    else:
        db = SqliteFollows(settings.manifest_path)
    _adopt(settings.follows_path, db)
    return Follows(db)


def _adopt(legacy: Path, db: FollowsDb) -> None:
    """Copy the rows of an earlier version's follows file into ``db``, then rename the file (``.moved``)
    so that they are copied once; rows already there are kept as they are."""
    if not legacy.is_file():
        return
    old = SqliteFollows(legacy)
    try:
        copy_follows(old, db)
    finally:
        old.close()
    legacy.rename(legacy.with_name(legacy.name + ".moved"))


def copy_follows(source: FollowsDb, target: FollowsDb) -> int:
    """Copy every follow and posted story of ``source`` into ``target``, in the order they were followed; rows
    ``target`` has already are kept as they are. The number of follows copied."""
    follows = source.rows(f"SELECT {FOLLOW_COLUMNS} FROM follows ORDER BY followed_at, {source.order}")
    target.run_many(ADD_FOLLOW, follows)
    target.run_many(ADD_POSTED, source.rows(f"SELECT {POSTED_COLUMNS} FROM posted"))
    return len(follows)
