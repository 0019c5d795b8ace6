"""Stories: the articles that report the same news, grouped as they are indexed.

Two articles report one story when they are copies, or reports of one event:

- copies share most of their sentences, word for word: a wire story under
  several outlets, an article updated at a new address. Copies share a
  ``copy_id`` too, whatever their dates.
- reports of one event are close in meaning (their gists, the mean of their
  sentences' vectors, are alike) and published at most ``STORY_DAYS`` apart.

An article joins the story of the indexed article it is a copy of, else the
story whose reports are closest to it, or starts its own, named by its own id. Its
row is written, replaced and removed in the transaction of its manifest row,
like its keyword rows. The grouping is here, for both kinds of database; each
reads and writes the rows through a :class:`StoryRows` on the manifest's
connection (:class:`SqliteStories` here, ``index.pg.stories`` for PostgreSQL).
An article indexed by an earlier version has no row: it is a story of its own
until it is indexed again.

Thresholds measured on the realtimeqa-2024 dev set (1,576 articles, mostly
USA Today and CNN) with ``benchmarks/stories.py``, which runs this code; the
figures are beside the constants.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from index.articles import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    article_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    copy_id TEXT NOT NULL,
    published_at TEXT,
    gist BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_published ON stories(published_at);
CREATE TABLE IF NOT EXISTS story_sentences (key INTEGER NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_sentences_key ON story_sentences(key);
CREATE INDEX IF NOT EXISTS story_sentences_article ON story_sentences(article_id);
"""

# Copies: at least this share of the shorter article's sentences is found word
# for word in the other. Dev set: of 6,238 pairs sharing a sentence, 23 share
# half or more, all copies, updates or reports of one story (14 of identical
# text, Kim Jong Un's birthday 0.90, Judge Reinhart's warrant 0.78 the same
# day, a winter storm's updates 0.50-0.56, the Golden Globes' nominees and
# winners 0.63); from 0.46 down they are mostly other articles of a beat (the
# NFL schedule, a columnist's footer) or of a story (a moon launch's scrub and
# its launch).
COPY_SHARE = 0.5
# ...counting only sentences of at least this many words: short lines
# ("Contributing: Associated Press", "Watch the video.") are the outlets' own
# furniture, shared by unrelated articles.
COPY_MIN_WORDS = 6
# Reports of one event: their gists at least this alike on average with the
# story's articles published within STORY_DAYS. Dev set, 20 pairs drawn from
# each band of pairs within 14 days: 0.80-0.85 are mostly one beat, not one
# event (a TikTok bill and a lawsuit; two NFL playoff previews); 0.85-0.90
# mostly one event over days (the Iowa caucuses, a storm's floods, a Nevada
# primary), and so is 0.95 and up; what is alike but no story from 0.85 up is a
# recurring column ("News from around our 50 states"). With 0.85 the 1,576
# articles make 1,396 stories, the largest of 9 articles (the Iowa caucuses and
# the New Hampshire primary after them); at 0.80, joining the closest article
# rather than the average, 1,317, the largest of 14.
SAME_STORY = 0.85
# ...published at most this many days apart (when both dates are known): a
# bombing in 2024 and the killing it commemorates in 2020 are two stories
# about one man; two weeks leave room for follow-ups (not tuned: the dev set's
# stories are mostly a few days long).
STORY_DAYS = 14

_WORDS = re.compile(r"\w+")
Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Membership:
    """An article's story, and its copy group (articles of near-identical text)."""

    story_id: str
    copy_id: str


@dataclass(frozen=True)
class Placed:
    """An article's story row as written: its membership, gist and sentence keys, to be copied as they are
    (placing it again could join another story: the grouping depends on what was indexed before it)."""

    membership: Membership
    gist: bytes
    keys: set[int]


def sentence_keys(text: str, spans: Spans) -> set[int]:
    """A key for each sentence of ``text`` long enough to tell copies: its words, lower-cased, hashed."""
    keys = set()
    for start, end in spans:
        words = _WORDS.findall(text[start:end].lower())
        if len(words) >= COPY_MIN_WORDS:
            digest = hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest()
            keys.add(int.from_bytes(digest, "big", signed=True))
    return keys


def gist(vectors: np.ndarray) -> np.ndarray:
    """What an article is about, as one unit vector: the mean of its sentences' vectors."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


class StoryRows(Protocol):
    """The stories' rows in one kind of database, inside the transaction of the manifest's rows: only the SQL
    differs per database; the grouping (:func:`write`) is the same for both."""

    def membership(self, article_id: str) -> Membership | None: ...

    def shared(self, keys: set[int]) -> list[tuple[str, int, int]]:
        """(article id, how many of ``keys`` it holds, how many keys it holds) of each article holding one."""

    def near(self, window: tuple[date, date] | None) -> list[tuple[str, str, bytes]]:
        """(article id, story id, gist) of each article published within ``window`` (or undated); all if None."""

    def insert(self, article_id: str, joined: Membership, published: date | None, gist: bytes, keys: set[int]) -> None:
        """Write the article's row and its sentences' keys."""

    def remove(self, article_id: str) -> None: ...

    def clear(self) -> None: ...

    def memberships(self) -> dict[str, Membership]:
        """Every article's story and copy group, by article id (articles indexed by an earlier version have none)."""


def write(rows: StoryRows, article: Article, spans: Spans, vectors: np.ndarray) -> Membership:
    """Place ``article`` (its citable ``spans`` and their ``vectors``) in a story, replacing its row."""
    old = rows.membership(article.id)
    rows.remove(article.id)
    keys = sentence_keys(article.text, spans)
    vector = gist(vectors) if len(vectors) else None
    copy = copy_of(rows, keys)
    if copy is not None:
        joined = copy
    else:
        near = _nearest(rows, vector, article.published_at) if vector is not None else None
        joined = Membership(near or (old.story_id if old else article.id), article.id)
    blob = (vector if vector is not None else np.zeros(0)).astype(np.float16).tobytes()
    rows.insert(article.id, joined, article.published_at, blob, keys)
    return joined


def copy_of(rows: StoryRows, keys: set[int]) -> Membership | None:
    """The membership of the indexed article that shares most of its sentences with one holding ``keys``
    (the first by id of those sharing as many)."""
    if not keys:
        return None
    best, share = None, 0.0
    for article_id, n, total in sorted(rows.shared(keys)):
        if n / min(len(keys), total) > share:
            best, share = article_id, n / min(len(keys), total)
    return rows.membership(best) if best is not None and share >= COPY_SHARE else None


def _nearest(rows: StoryRows, vector: np.ndarray, published: date | None) -> str | None:
    """The story closest in meaning to ``vector``: its articles published within ``STORY_DAYS`` are, on average,
    at least ``SAME_STORY`` alike (the average, not the closest one: a chain of alike articles drifts away).
    Read in the order of the articles' ids, so that both kinds of database make the same sums and choice."""
    window = None
    if published is not None:
        window = (published - timedelta(days=STORY_DAYS), published + timedelta(days=STORY_DAYS))
    likeness: dict[str, list[float]] = {}
    for _, story_id, blob in sorted(rows.near(window)):
        other = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        if len(other) == len(vector):
            likeness.setdefault(story_id, []).append(float(other @ vector))
    mean = {story: sum(values) / len(values) for story, values in likeness.items()}
    best = max(mean, key=mean.__getitem__, default=None)
    return best if best is not None and mean[best] >= SAME_STORY else None


class SqliteStories:
    """The stories' rows in the SQLite manifest (:data:`SCHEMA`), on its connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def membership(self, article_id: str) -> Membership | None:
        row = self.db.execute("SELECT story_id, copy_id FROM stories WHERE article_id = ?", (article_id,)).fetchone()
        return Membership(*row) if row else None

    def shared(self, keys: set[int]) -> list[tuple[str, int, int]]:
        return self.db.execute(
            "SELECT article_id, COUNT(*), (SELECT COUNT(*) FROM story_sentences t WHERE t.article_id = s.article_id)"
            f" FROM story_sentences s WHERE key IN ({','.join('?' * len(keys))}) GROUP BY s.article_id",
            tuple(keys),
        ).fetchall()

    def near(self, window: tuple[date, date] | None) -> list[tuple[str, str, bytes]]:
        if window is None:
            return self.db.execute("SELECT article_id, story_id, gist FROM stories").fetchall()
        return self.db.execute(
            "SELECT article_id, story_id, gist FROM stories WHERE published_at IS NULL OR published_at BETWEEN ? AND ?",
            tuple(d.isoformat() for d in window),
        ).fetchall()

    def insert(self, article_id: str, joined: Membership, published: date | None, gist: bytes, keys: set[int]) -> None:
        row = (article_id, joined.story_id, joined.copy_id, published.isoformat() if published else None, gist)
        self.db.execute("INSERT INTO stories VALUES (?, ?, ?, ?, ?)", row)
        self.db.executemany("INSERT INTO story_sentences VALUES (?, ?)", [(k, article_id) for k in keys])

    def remove(self, article_id: str) -> None:
        self.db.execute("DELETE FROM stories WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM story_sentences WHERE article_id = ?", (article_id,))

    def clear(self) -> None:
        self.db.execute("DELETE FROM stories")
        self.db.execute("DELETE FROM story_sentences")

    def placed(self, article_id: str) -> Placed | None:
        """The article's story row as written; None for one indexed by an earlier version."""
        try:
            found = self.db.execute(
                "SELECT story_id, copy_id, gist FROM stories WHERE article_id = ?", (article_id,)
            ).fetchone()
        except sqlite3.OperationalError:  # a manifest of an earlier version, opened read-only: no stories yet
            return None
        if found is None:
            return None
        keys = self.db.execute("SELECT key FROM story_sentences WHERE article_id = ?", (article_id,)).fetchall()
        return Placed(Membership(found[0], found[1]), bytes(found[2]), {k for (k,) in keys})

    def memberships(self) -> dict[str, Membership]:
        try:
            rows = self.db.execute("SELECT article_id, story_id, copy_id FROM stories").fetchall()
        except sqlite3.OperationalError:  # a manifest of an earlier version, opened read-only: no stories yet
            return {}
        return {row[0]: Membership(row[1], row[2]) for row in rows}
