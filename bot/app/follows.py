"""Topics followed in Discord channels, and the stories already posted to each channel.

After each index round the bot posts the new stories about each followed topic
(``Service.due``); what was posted is recorded here so that no story is posted
twice to a channel, even after a restart. Kept in the index's database
(``bot/app/follows_db.py``: the manifest's SQLite file, or PostgreSQL), so that
every process using the index sees the same follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from index.errors import NewsqaError
from index.tables import Tables

OVERLAP = timedelta(days=1)  # a check also looks at the day before: publication dates are days, and feeds lag
_COLUMNS = "channel_id, topic, guild_id, user_id, followed_at, since_day"
# The rows as stored, in the order of their columns (an earlier version's file holds the same).
FOLLOW_COLUMNS = "channel_id, topic_key, topic, guild_id, user_id, followed_at, since_day"
ADD_FOLLOW = f"INSERT INTO follows ({FOLLOW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
POSTED_COLUMNS = "channel_id, story_id, topic, posted_at"
ADD_POSTED = f"INSERT INTO posted ({POSTED_COLUMNS}) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"


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
    """Follows and posted stories, in ``db``; safe to use from several threads."""

    def __init__(self, db: Tables) -> None:
        self._db = db

    def close(self) -> None:
        self._db.close()

    def follow(self, channel_id: int, topic: str, *, guild_id: int | None, user_id: int | None,
               since: date) -> tuple[Follow, bool]:  # fmt: skip
        """Follow ``topic`` in a channel, counting stories published from ``since``; False if it already was."""
        topic = clean_topic(topic)
        row = (channel_id, topic.casefold(), topic, guild_id, user_id, _now(), since.isoformat())
        added = self._db.run(ADD_FOLLOW, row)
        return self._get(channel_id, topic), bool(added)

    def unfollow(self, channel_id: int, topic: str) -> bool:
        """Stop following ``topic`` in a channel; False if it was not followed there."""
        key = clean_topic(topic).casefold()
        return self._db.run("DELETE FROM follows WHERE channel_id = ? AND topic_key = ?", (channel_id, key)) > 0

    def all(self, channel_id: int | None = None) -> list[Follow]:
        """Every follow (or a channel's), in the order they were made."""
        where, args = ("WHERE channel_id = ?", (channel_id,)) if channel_id is not None else ("", ())
        rows = self._db.rows(f"SELECT {_COLUMNS} FROM follows {where} ORDER BY followed_at, {self._db.order}", args)
        return [Follow(*row) for row in rows]

    def posted_in(self, channel_id: int) -> set[str]:
        """The ids of the stories already posted to a channel."""
        rows = self._db.rows("SELECT story_id FROM posted WHERE channel_id = ?", (channel_id,))
        return {row[0] for row in rows}

    def posts_since(self, channel_id: int, moment: datetime) -> int:
        """How many stories were posted to a channel since ``moment``."""
        rows = self._db.rows(
            "SELECT count(*) FROM posted WHERE channel_id = ? AND posted_at >= ?", (channel_id, _iso(moment))
        )
        return int(rows[0][0])

    def mark_posted(self, follow: Follow, story_ids: Iterable[str], moment: datetime | None = None) -> None:
        """Record stories as posted to the follow's channel (at ``moment``, default now): never posted there again."""
        at = _iso(moment) if moment else _now()
        rows = [(follow.channel_id, s, follow.topic, at) for s in story_ids]
        self._db.run_many(ADD_POSTED, rows)

    def checked(self, follow: Follow, today: date) -> None:
        """A check of ``follow`` is done: the next one counts stories from the day before ``today`` on."""
        since_day = max(follow.since, today - OVERLAP).isoformat()
        self._db.run(
            "UPDATE follows SET since_day = ? WHERE channel_id = ? AND topic_key = ?",
            (since_day, follow.channel_id, follow.topic.casefold()),
        )

    def _get(self, channel_id: int, topic: str) -> Follow:
        (row,) = self._db.rows(
            f"SELECT {_COLUMNS} FROM follows WHERE channel_id = ? AND topic_key = ?", (channel_id, topic.casefold())
        )
        return Follow(*row)


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
