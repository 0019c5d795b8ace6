"""Topics followed in Discord channels, and the stories already posted to each channel.

After each index round the bot posts the new stories about each followed topic
(``Service.due``); what was posted is recorded here so that no story is posted
twice to a channel, even after a restart. A local SQLite file under the data
folder, beside the answers' history.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app.local import open_local
from index.errors import NewsqaError

OVERLAP = timedelta(days=1)  # a check also looks at the day before: publication dates are days, and feeds lag
_SCHEMA = """
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
_COLUMNS = "channel_id, topic, guild_id, user_id, followed_at, since_day"


@dataclass(frozen=True)
class Follow:
    """A topic followed in a channel: who asked, when, and from which publication day stories count."""

    channel_id: int
    topic: str
    guild_id: int | None
    user_id: int | None
    followed_at: str
    since_day: str  # YYYY-MM-DD: the next check counts stories published on or after this day

    @property
    def since(self) -> date:
        return date.fromisoformat(self.since_day)

    def as_dict(self) -> dict:
        return asdict(self)


def clean_topic(topic: str) -> str:
    """A topic as followed: its words separated by single spaces; an empty one is refused."""
    cleaned = " ".join(topic.split())
    if not cleaned:
        raise NewsqaError("the topic is empty: say what the news to follow is about")
    return cleaned


class Follows:
    """Follows and posted stories; safe to use from several threads."""

    def __init__(self, path: Path) -> None:
        self._db = open_local(path, _SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def follow(self, channel_id: int, topic: str, *, guild_id: int | None, user_id: int | None,
               since: date) -> tuple[Follow, bool]:  # fmt: skip
        """Follow ``topic`` in a channel, counting stories published from ``since``; False if it already was."""
        topic = clean_topic(topic)
        row = (channel_id, topic.casefold(), topic, guild_id, user_id, _now(), since.isoformat())
        with self._lock:
            added = self._db.execute("INSERT OR IGNORE INTO follows VALUES (?, ?, ?, ?, ?, ?, ?)", row).rowcount
        return self._get(channel_id, topic), bool(added)

    def unfollow(self, channel_id: int, topic: str) -> bool:
        """Stop following ``topic`` in a channel; False if it was not followed there."""
        key = clean_topic(topic).casefold()
        with self._lock:
            cursor = self._db.execute("DELETE FROM follows WHERE channel_id = ? AND topic_key = ?", (channel_id, key))
        return cursor.rowcount > 0

    def all(self, channel_id: int | None = None) -> list[Follow]:
        """Every follow (or a channel's), in the order they were made."""
        where, args = ("WHERE channel_id = ?", (channel_id,)) if channel_id is not None else ("", ())
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM follows {where} ORDER BY followed_at, rowid", args)
            return [Follow(*row) for row in rows.fetchall()]

    def posted_in(self, channel_id: int) -> set[str]:
        """The ids of the stories already posted to a channel."""
        with self._lock:
            rows = self._db.execute("SELECT story_id FROM posted WHERE channel_id = ?", (channel_id,)).fetchall()
        return {row[0] for row in rows}

    def posts_since(self, channel_id: int, moment: datetime) -> int:
        """How many stories were posted to a channel since ``moment``."""
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM posted WHERE channel_id = ? AND posted_at >= ?",
                (channel_id, _iso(moment)),
            ).fetchone()
        return int(row[0])

    def mark_posted(self, follow: Follow, story_ids: Iterable[str], moment: datetime | None = None) -> None:
        """Record stories as posted to the follow's channel (at ``moment``, default now): never posted there again."""
        at = _iso(moment) if moment else _now()
        rows = [(follow.channel_id, s, follow.topic, at) for s in story_ids]
        with self._lock:
            self._db.executemany("INSERT OR IGNORE INTO posted VALUES (?, ?, ?, ?)", rows)

    def checked(self, follow: Follow, today: date) -> None:
        """A check of ``follow`` is done: the next one counts stories from the day before ``today`` on."""
        since_day = max(follow.since, today - OVERLAP).isoformat()
        with self._lock:
            self._db.execute(
                "UPDATE follows SET since_day = ? WHERE channel_id = ? AND topic_key = ?",
                (since_day, follow.channel_id, follow.topic.casefold()),
            )

    def _get(self, channel_id: int, topic: str) -> Follow:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM follows WHERE channel_id = ? AND topic_key = ?", (channel_id, topic.casefold())
            ).fetchone()
        return Follow(*row)


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
