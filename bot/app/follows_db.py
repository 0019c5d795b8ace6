"""Where the follows live: the index's database, through the small tables' adapters (``index/tables.py``).

SQLite mode keeps the ``follows`` and ``posted`` tables in the manifest's file
(created there when missing); PostgreSQL mode keeps them in the tables of the
migration ``index/migrations/0003_follows.sql``. What is followed and what is
due stays in ``bot/app/follows.py``. Follows kept by earlier versions in a
file of their own (``follows.sqlite3``) are copied in once.
"""

from __future__ import annotations

from bot.app.follows import ADD_FOLLOW, ADD_POSTED, FOLLOW_COLUMNS, POSTED_COLUMNS, Follows
from bot.app.settings import Settings
from bot.app.wiring import small_tables
from index.tables import Tables, adopt, open_tables

SCHEMA = """
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


def open_follows(settings: Settings) -> Follows:
    """The follows in the index's database ``settings`` name, with those of an earlier version's file copied in."""
    db = open_tables(small_tables(settings), SCHEMA, lambda db: adopt(settings.follows_path, SCHEMA, db, copy_follows))
    return Follows(db)


def copy_follows(source: Tables, target: Tables) -> int:
    """Copy every follow and posted story of ``source`` into ``target``, in the order they were followed; rows
    ``target`` has already are kept as they are. The number of follows copied."""
    follows = source.rows(f"SELECT {FOLLOW_COLUMNS} FROM follows ORDER BY followed_at, {source.order}")
    target.run_many(ADD_FOLLOW, follows)
    target.run_many(ADD_POSTED, source.rows(f"SELECT {POSTED_COLUMNS} FROM posted"))
    return len(follows)
