"""The manifest: which articles are indexed, from which file, with which content.

It is what makes re-indexing incremental (an unchanged content hash costs no
embedding) and what ``sources`` lists. An article's row is written only after
all its chunks are in the store, so a row always describes chunks that exist.

It also keeps the vectors of each article's citable sentences, computed when
the article is indexed, so that ranking the sentences of the passages found
for a question costs no model call. They are written in the same transaction
as the article's row, so they always belong to the content it names.

And it holds the keyword (BM25) index, one row per chunk (``index.keyword``),
written and removed in the transaction of the article's row as well. A
manifest made by an earlier version has none: it is marked incomplete when
first opened, until the indexer has written the rows of every article
(``Indexer.mend_keywords``).

Each article's story (``index.stories``) is written in that transaction too.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from index import keyword, stories
from index.articles import Article
from index.chunking import chunk_id
from index.keyword import KeywordDamage

Spans = list[tuple[int, int]]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    published_at TEXT,
    source TEXT NOT NULL,
    url TEXT,
    origin TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_origin ON articles(origin);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    spans BLOB NOT NULL,
    vectors BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', 0);
"""
# Whether every article's keyword rows are written: from the start for a new
# manifest, once the indexer has written them for one made by an earlier version.
_KEYWORDS_WHEN_NEW = "INSERT OR IGNORE INTO meta VALUES ('keywords', (SELECT COUNT(*) = 0 FROM articles))"
_KEYWORDS_COMPLETE = "INSERT OR REPLACE INTO meta VALUES ('keywords', 1)"
_BUMP = "UPDATE meta SET value = value + 1 WHERE key = 'generation'"
# The generation at which the last indexing run ended cleanly; any write since changes the generation.
_MARK_CONSISTENT = "INSERT OR REPLACE INTO meta SELECT 'consistent', value FROM meta WHERE key = 'generation'"
CONSISTENT = "SELECT 1 FROM meta c JOIN meta g ON g.key = 'generation' AND c.value = g.value WHERE c.key = 'consistent'"


@dataclass(frozen=True)
class Entry:
    """An indexed article as the manifest records it."""

    id: str
    content_hash: str
    title: str
    published_at: date | None
    source: str
    url: str | None
    origin: str
    chunks: int
    indexed_at: str

    @property
    def chunk_ids(self) -> list[str]:
        """The ids of the chunks the store holds for this article, as the row promises."""
        return [chunk_id(self.id, position) for position in range(self.chunks)]


class Manifest:
    """A small SQLite database beside the store; one connection, safe to share between threads."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """Open the manifest at ``path``, creating it if need be; ``read_only`` opens an existing one for reading.

        Read-only writes nothing, not even SQLite's own files: without a WAL
        file (no writer open, nothing left uncommitted to the main file) the
        file is read as immutable, which creates no WAL files; with one, in
        read-only mode, which reads the WAL but cannot checkpoint it into the file.
        """
        self.path = path
        if read_only:
            mode = "mode=ro" if path.with_name(f"{path.name}-wal").exists() else "immutable=1"
            uri = f"{path.resolve().as_uri()}?{mode}"
            self._db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            schema = f"{_SCHEMA} {keyword.SCHEMA} {stories.SCHEMA} {_KEYWORDS_WHEN_NEW};"
            self._db.executescript(f"BEGIN IMMEDIATE; {schema} COMMIT;")
        # One statement at a time: threads sharing the connection would otherwise
        # share (and reset) its cached statements mid-read.
        self._lock = threading.RLock()
        self._holding = keyword.Holding()

    @property
    def location(self) -> str:
        return str(self.path)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A change and the generation bump that announces it, atomically."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute(_BUMP)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def entries(self) -> dict[str, Entry]:
        rows = self._query(
            "SELECT id, content_hash, title, published_at, source, url, origin, chunks, indexed_at"
            " FROM articles ORDER BY published_at IS NULL, published_at DESC, title"
        )
        return {row[0]: _entry(row) for row in rows}

    @property
    def generation(self) -> int:
        """A number that changes whenever the indexed content does."""
        return int(self._query("SELECT value FROM meta WHERE key = 'generation'")[0][0])

    def record(self, article: Article, texts: Sequence[str], spans: Spans, vectors: np.ndarray) -> None:
        """Mark an article as fully indexed with chunks of these ``texts``, and the vectors of its citable ``spans``.

        The chunks' keyword rows are written with it.
        """
        row = (
            article.id,
            article.content_hash,
            article.title,
            article.published_at.isoformat() if article.published_at else None,
            article.source,
            article.url,
            article.origin,
            len(texts),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            sentences = (article.id, article.content_hash, *pack_sentences(spans, vectors))
            self._db.execute("INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?)", sentences)
            keyword.write(self._db, article.id, article.title, texts)
            stories.write(stories.SqliteStories(self._db), article, spans, vectors)

    def sentence_vectors(self, articles: dict[str, str]) -> dict[tuple[str, int, int], np.ndarray]:
        """Vectors of the citable spans of ``articles`` (id -> content hash), by (id, start, end).

        Articles indexed with other content, or before sentence vectors were
        kept, have none.
        """
        if not articles:
            return {}
        marks = ",".join("?" * len(articles))
        rows = self._query(
            f"SELECT article_id, content_hash, spans, vectors FROM sentences WHERE article_id IN ({marks})",
            tuple(articles),
        )
        return unpack_sentences(rows, articles)

    def with_sentences(self) -> set[str]:
        """Articles whose sentence vectors are kept (an index made by an older version has none)."""
        return {row[0] for row in self._query("SELECT article_id FROM sentences")}

    def forget(self, article_id: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._db.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))
            keyword.remove(self._db, article_id)
            stories.SqliteStories(self._db).remove(article_id)

    def clear(self) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM articles")
            self._db.execute("DELETE FROM sentences")
            keyword.clear(self._db)
            stories.SqliteStories(self._db).clear()
            self._db.execute(_KEYWORDS_COMPLETE)

    def place(self, article: Article, spans: Spans, vectors: np.ndarray) -> None:
        """Put a recorded article in its story (one indexed by an earlier version, which has none)."""
        with self._transaction():
            stories.write(stories.SqliteStories(self._db), article, spans, vectors)

    def memberships(self) -> dict[str, stories.Membership]:
        """Each article's story and copy group (``index.stories``), by article id."""
        with self._lock:
            return stories.SqliteStories(self._db).memberships()

    def placed(self, article_id: str) -> stories.Placed | None:
        """The article's story row as written, to be copied (``index.move``)."""
        with self._lock:
            return stories.SqliteStories(self._db).placed(article_id)

    @property
    def keywords_complete(self) -> bool:
        """Whether every article's keyword rows are written (not yet for a manifest made by an earlier version)."""
        return bool(self._query("SELECT value FROM meta WHERE key = 'keywords' AND value = 1"))

    def keyword_search(self, topic: str, k: int, articles: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, score) pairs for ``topic`` by BM25, best first, from ``articles`` only if given."""
        with self._lock, self._db:  # ends the read, also when SQLite ended it already on an error (which stands)
            self._db.execute("BEGIN")  # counts and search from one snapshot, of the generation they are kept for
            return keyword.search(self._db, topic, k, articles, self._holding.at(self.generation))

    def keyword_damage(self) -> KeywordDamage:
        """Chunks of the articles' rows without keyword rows, and keyword rows of no such chunk."""
        with self._lock:
            return keyword.damage(self._db)

    def write_keywords(self, articles: Sequence[tuple[str, str, Sequence[str]]], extra: Sequence[str] = ()) -> None:
        """Write the keyword rows of (article id, title, chunk texts) of recorded articles, and remove the ``extra``
        rows of chunks no row lists, in one transaction."""
        with self._transaction():
            keyword.remove_chunks(self._db, extra)
            for article_id, title, texts in articles:
                keyword.write(self._db, article_id, title, texts)

    def mark_keywords_complete(self) -> None:
        """Record that every article's keyword rows are written."""
        with self._transaction():
            self._db.execute(_KEYWORDS_COMPLETE)

    @property
    def consistent(self) -> bool:
        """Whether the last indexing run ended cleanly and nothing was written since (:meth:`mark_consistent`)."""
        return bool(self._query(CONSISTENT))

    def mark_consistent(self, consistent: bool) -> None:
        """Record that the store holds just what the rows promise, as of now; or, before a run changes the
        store, that it may not."""
        with self._lock:
            self._db.execute(_MARK_CONSISTENT if consistent else "DELETE FROM meta WHERE key = 'consistent'")

    def totals(self) -> tuple[int, int]:
        """(articles, chunks) as recorded."""
        ((articles, chunks),) = self._query("SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM articles")
        return int(articles), int(chunks)


def pack_sentences(spans: Spans, vectors: np.ndarray) -> tuple[bytes, bytes]:
    """An article's citable spans (int32 pairs) and their vectors (float16), as both kinds of database keep them."""
    return np.asarray(spans, dtype=np.int32).tobytes(), np.asarray(vectors, dtype=np.float16).tobytes()


def unpack_sentences(rows: Iterable[tuple], articles: dict[str, str]) -> dict[tuple[str, int, int], np.ndarray]:
    """The vectors of (article id, content hash, spans, vectors) rows by (id, start, end), of ``articles``'
    content hashes only."""
    found: dict[tuple[str, int, int], np.ndarray] = {}
    for article_id, content_hash, spans, vectors in rows:
        if content_hash != articles[article_id]:
            continue
        offsets = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2)
        if not len(offsets):
            continue
        matrix = np.frombuffer(vectors, dtype=np.float16).reshape(len(offsets), -1).astype(np.float32)
        for (start, end), vector in zip(offsets.tolist(), matrix):
            found[(article_id, start, end)] = vector
    return found


def _entry(row: tuple) -> Entry:
    published = date.fromisoformat(row[3]) if row[3] else None
    return Entry(row[0], row[1], row[2], published, row[4], row[5], row[6], int(row[7]), row[8])
