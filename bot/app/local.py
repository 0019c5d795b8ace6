"""The bot's own small SQLite databases in the data folder (answer history, follows)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_local(path: Path, schema: str) -> sqlite3.Connection:
    """``path``'s database with ``schema`` applied, in autocommit and WAL mode, shareable between threads
    (callers serialise their statements with a lock of their own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(schema)
    return db
