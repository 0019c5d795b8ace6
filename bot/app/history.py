"""What the bot answered, and what people thought of it.

Every answer the Discord bot sends is recorded with its citations and the
message that carried it, so that a reply to that message can be taken as a
follow-up of its question, and 👍/👎 votes can be stored against it, even
after a restart. A local SQLite file under the data directory.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.app.local import open_local
from bot.core.answer import Answer

TOPIC_WORDS = 60
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    context TEXT,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER,
    asked_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_channel ON answers(channel_id);
CREATE TABLE IF NOT EXISTS messages (
    message_id INTEGER PRIMARY KEY,
    answer_id INTEGER NOT NULL REFERENCES answers(id)
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
"""


@dataclass(frozen=True)
class Feedback:
    """One vote on one answer."""

    answer_id: int
    question: str
    answer: str
    citations: list[dict]
    vote: str  # "up" or "down"
    guild_id: int | None
    voted_at: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


class History:
    """Answers sent and votes received; safe to use from several threads."""

    def __init__(self, path: Path) -> None:
        self._db = open_local(path, _SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def record(
        self, result: Answer, *, context: str | None, guild_id: int | None, channel_id: int | None
    ) -> int:
        """Store an answer before it is sent; returns its id (used by the vote buttons)."""
        citations = json.dumps([asdict(c) for c in result.citations], ensure_ascii=False)
        row = (result.question, context, result.answer, citations, guild_id, channel_id, _now())
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO answers (question, context, answer, citations, guild_id, channel_id, asked_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return int(cursor.lastrowid or 0)

    def sent(self, answer_id: int, message_ids: list[int], channel_id: int) -> None:
        """Note the messages (and the channel or thread) that carried an answer."""
        with self._lock:
            self._db.execute("UPDATE answers SET channel_id = ? WHERE id = ?", (channel_id, answer_id))
            self._db.executemany(
                "INSERT OR REPLACE INTO messages VALUES (?, ?)", [(m, answer_id) for m in message_ids]
            )

    def topic_of_message(self, message_id: int) -> str | None:
        """What the conversation answered by the bot's message ``message_id`` is about, for a follow-up."""
        with self._lock:
            row = self._db.execute(
                "SELECT a.context, a.question FROM messages m JOIN answers a ON a.id = m.answer_id"
                " WHERE m.message_id = ?",
                (message_id,),
            ).fetchone()
        return topic(*row) if row else None

    def topic_in(self, channel_id: int) -> str | None:
        """What the latest conversation in a channel or thread is about."""
        with self._lock:
            row = self._db.execute(
                "SELECT context, question FROM answers WHERE channel_id = ? ORDER BY id DESC LIMIT 1", (channel_id,)
            ).fetchone()
        return topic(*row) if row else None

    def vote(self, answer_id: int, user_id: int, up: bool) -> bool:
        """Record (or change) a user's vote; False when the answer is unknown."""
        with self._lock:
            if not self._db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone():
                return False
            self._db.execute(
                "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?)", (answer_id, user_id, 1 if up else -1, _now())
            )
        return True

    def feedback(self) -> list[Feedback]:
        """Every vote with its answer, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.id, a.question, a.answer, a.citations, v.vote, a.guild_id, v.voted_at"
                " FROM votes v JOIN answers a ON a.id = v.answer_id ORDER BY v.voted_at DESC, a.id DESC"
            ).fetchall()
        return [
            Feedback(row[0], row[1], row[2], json.loads(row[3]), "up" if row[4] > 0 else "down", row[5], row[6])
            for row in rows
        ]


def topic(context: str | None, question: str) -> str:
    """A question with the conversation before it, kept to its last ``TOPIC_WORDS`` words.

    So a follow-up of a follow-up still knows what it is about.
    """
    words = f"{context or ''} {question}".split()
    return " ".join(words[-TOPIC_WORDS:])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
