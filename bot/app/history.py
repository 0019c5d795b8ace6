"""What the bot answered, and what people thought of it.

Every answer the Discord bot sends is recorded with its citations and the
message that carried it, so that a reply to that message can be taken as a
follow-up of its question, and 👍/👎 votes can be stored against it, even
after a restart. Kept in the index's database (``index/tables.py``: the
manifest's SQLite file, or the tables of ``index/migrations/0004_history.sql``
in PostgreSQL), so that every process using the index, on any host, answers a
reply to a message another one sent; an earlier version's file
(``history.sqlite3``) is copied in once, its answers keeping their ids where
the database has not given them to others.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from bot.app.settings import Settings
from bot.app.wiring import small_tables
from bot.core.answer import Answer
from index.tables import Tables, adopt, open_tables

TOPIC_WORDS = 60
SCHEMA = """
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
_ANSWER_COLUMNS = "question, context, answer, citations, guild_id, channel_id, asked_at"
_ADD_MESSAGE = (
    "INSERT INTO messages (message_id, answer_id) VALUES (?, ?)"
    " ON CONFLICT (message_id) DO UPDATE SET answer_id = excluded.answer_id"
)
_ADD_VOTE = (
    "INSERT INTO votes (answer_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at"
)


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
    """Answers sent and votes received, in ``db``; safe to use from several threads."""

    def __init__(self, db: Tables) -> None:
        self._db = db

    def close(self) -> None:
        self._db.close()

    def record(
        self, result: Answer, *, context: str | None, guild_id: int | None, channel_id: int | None
    ) -> int:
        """Store an answer before it is sent; returns its id (used by the vote buttons)."""
        citations = json.dumps([asdict(c) for c in result.citations], ensure_ascii=False)
        row = (result.question, context, result.answer, citations, guild_id, channel_id, _now())
        ((answer_id,),) = self._db.rows(
            f"INSERT INTO answers ({_ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", row
        )
        return int(answer_id)

    def sent(self, answer_id: int, message_ids: list[int], channel_id: int) -> None:
        """Note the messages (and the channel or thread) that carried an answer."""
        self._db.run("UPDATE answers SET channel_id = ? WHERE id = ?", (channel_id, answer_id))
        self._db.run_many(_ADD_MESSAGE, [(m, answer_id) for m in message_ids])

    def topic_of_message(self, message_id: int) -> str | None:
        """What the conversation answered by the bot's message ``message_id`` is about, for a follow-up."""
        rows = self._db.rows(
            "SELECT a.context, a.question FROM messages m JOIN answers a ON a.id = m.answer_id"
            " WHERE m.message_id = ?",
            (message_id,),
        )
        return topic(*rows[0]) if rows else None

    def topic_in(self, channel_id: int) -> str | None:
        """What the latest conversation in a channel or thread is about."""
        rows = self._db.rows(
            "SELECT context, question FROM answers WHERE channel_id = ? ORDER BY asked_at DESC, id DESC LIMIT 1",
            (channel_id,),
        )
        return topic(*rows[0]) if rows else None

    def vote(self, answer_id: int, user_id: int, up: bool, *, message_id: int | None = None) -> bool:
        """Record (or change) a user's vote; False when the answer is unknown.

        The answer is the one the bot's message ``message_id`` (the message the
        button is on) carried; ``answer_id``, the id the button carries, only
        where that message is unknown: an answer copied in from an earlier
        version's file may have been numbered anew, its buttons not.
        """
        if message_id is not None:
            carried = self._db.rows("SELECT answer_id FROM messages WHERE message_id = ?", (message_id,))
            answer_id = int(carried[0][0]) if carried else answer_id
        if not self._db.rows("SELECT 1 FROM answers WHERE id = ?", (answer_id,)):
            return False
        self._db.run(_ADD_VOTE, (answer_id, user_id, 1 if up else -1, _now()))
        return True

    def feedback(self) -> list[Feedback]:
        """Every vote with its answer, newest first."""
        rows = self._db.rows(
            "SELECT a.id, a.question, a.answer, a.citations, v.vote, a.guild_id, v.voted_at"
            " FROM votes v JOIN answers a ON a.id = v.answer_id ORDER BY v.voted_at DESC, a.id DESC"
        )
        return [
            Feedback(row[0], row[1], row[2], json.loads(row[3]), "up" if row[4] > 0 else "down", row[5], row[6])
            for row in rows
        ]


def open_history(settings: Settings) -> History:
    """The history in the index's database ``settings`` name, with an earlier version's file copied in."""
    db = open_tables(small_tables(settings), SCHEMA, lambda db: adopt(settings.history_path, SCHEMA, db, copy_history))
    return History(db)


def copy_history(source: Tables, target: Tables) -> int:
    """Copy every answer of ``source``, with its messages and votes, into ``target``; the number copied.

    Answers keep their ids, but where ``target`` gives an id to another answer
    (another host's): such an answer is numbered after every id of both, its
    messages and votes following it (a vote button finds its answer through the
    message it is on, :meth:`History.vote`). An answer copied before is not
    copied again.
    """
    answers = source.rows(f"SELECT id, {_ANSWER_COLUMNS} FROM answers ORDER BY id")
    ids, added = _placed(answers, target.rows(f"SELECT id, {_ANSWER_COLUMNS} FROM answers"))
    target.run_many(f"INSERT INTO answers (id, {_ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", added)
    target.follow_ids("answers", "id")
    messages = source.rows("SELECT message_id, answer_id FROM messages")
    target.run_many(_ADD_MESSAGE, [(m, ids[a]) for m, a in messages if a in ids])
    votes = source.rows("SELECT answer_id, user_id, vote, voted_at FROM votes")
    target.run_many(_ADD_VOTE, [(ids[a], *rest) for a, *rest in votes if a in ids])
    return len(added)


def _placed(answers: list[tuple], there: list[tuple]) -> tuple[dict[int, int], list[tuple]]:
    """The id each answer of ``answers`` has in a database holding ``there``, and the rows to add to it, with
    their ids: an answer is known by all its columns but its id."""
    known = {row[1:]: row[0] for row in there}
    taken = set(known.values())
    free = max([0, *taken, *(row[0] for row in answers)])
    ids: dict[int, int] = {}
    added = []
    for row in answers:
        if row[1:] in known:  # copied before
            ids[row[0]] = known[row[1:]]
            continue
        if row[0] in taken:
            free += 1
        ids[row[0]] = free if row[0] in taken else row[0]
        added.append((ids[row[0]], *row[1:]))
    return ids, added


def topic(context: str | None, question: str) -> str:
    """A question with the conversation before it, kept to its last ``TOPIC_WORDS`` words.

    So a follow-up of a follow-up still knows what it is about.
    """
    words = f"{context or ''} {question}".split()
    return " ".join(words[-TOPIC_WORDS:])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
