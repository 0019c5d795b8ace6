"""Reaching the PostgreSQL database: a connection pool, the schema migrations, and the address as messages show it.

The migrations are the SQL files of ``index/migrations``, named by number
(``0001_records.sql``), applied in that order when the records are opened for
writing: those the database lacks, in one transaction, each recorded in
``schema_version``. An advisory lock held for that transaction makes two
processes starting at once apply each one once.
"""

from __future__ import annotations

import re
from importlib import resources

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from index.errors import StoreUnavailableError

POOL_SIZE = 4  # connections per process: a writer's transaction, and questions answered meanwhile
CONNECT_SECONDS = 10.0  # to wait for the database before saying it cannot be reached
MIGRATING = 0x6E657773  # advisory lock key held while migrating ("news")
_MIGRATION = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def shown(url: str) -> str:
    """The database address without its password, for messages and stats."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the configured database (NEWSQA_DATABASE_URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = parts.get("host", "")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname', '')}"


def is_address(url: str) -> bool:
    """Whether ``url`` is a PostgreSQL address: a URI (postgresql://USER@HOST/DB) or key=value connection string."""
    try:
        return bool(url.strip()) and conninfo_to_dict(url) is not None
    except psycopg.ProgrammingError:
        return False


def unreachable(url: str, exc: BaseException) -> StoreUnavailableError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreUnavailableError(f"cannot reach the PostgreSQL database at {shown(url)}: {reason}; is it running?")


def connect(url: str) -> psycopg.Connection:
    """One connection of its own, in autocommit: for the writer lock, which lives as long as its session."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=int(CONNECT_SECONDS))
    except psycopg.Error as exc:
        raise unreachable(url, exc) from exc


def pool(url: str) -> ConnectionPool:
    """An open pool of connections to ``url``, each checked before use (the server may have restarted)."""
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreUnavailableError(f"NEWSQA_DATABASE_URL is not a valid PostgreSQL address: {exc}") from exc
    opened: ConnectionPool = ConnectionPool(
        url,
        min_size=1,
        max_size=POOL_SIZE,
        open=True,
        check=ConnectionPool.check_connection,
        configure=_configure,
        timeout=CONNECT_SECONDS,
        name="newsqa",
    )
    try:
        opened.wait(timeout=CONNECT_SECONDS)
    except PoolTimeout:
        opened.close()
        try:  # the pool only says it timed out: one connection says why
            psycopg.connect(url, connect_timeout=int(CONNECT_SECONDS)).close()
        except psycopg.Error as exc:
            raise unreachable(url, exc) from exc
        raise unreachable(url, TimeoutError(f"no connection within {CONNECT_SECONDS:g} s")) from None
    return opened


def _configure(conn: psycopg.Connection) -> None:
    """No just-in-time compilation: it cost a keyword search 0.5 s of compiling for a 30 ms query."""
    conn.execute("SET jit = off")
    conn.commit()


def migrations() -> list[tuple[int, str]]:
    """Every migration kept in the repository: its number and its SQL, in order."""
    folder = resources.files("index").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        matched = _MIGRATION.match(entry.name)
        if matched:
            found.append((int(matched.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(pool: ConnectionPool) -> list[int]:
    """Apply the migrations the database lacks, in order; the numbers applied."""
    applied = []
    with pool.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (MIGRATING,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version"
            " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        for number, sql in migrations():
            if number > current:
                conn.execute(sql.encode())  # bytes: run as a script, without parameters
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))
                applied.append(number)
    return applied


def version(pool: ConnectionPool) -> int:
    """The newest migration applied; 0 where none was (nothing created yet)."""
    with pool.connection() as conn:
        exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0
