"""The manifest in PostgreSQL: the same promises as the SQLite one (``index.manifest``), for several hosts.

An article's sentences, chunks and story rows are written first and its row in
``articles`` last, in one transaction with the bump of the generation that
tells readers to read the rows again: a reader on any host sees an article
whole, or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
import psycopg
import psycopg.sql
from psycopg_pool import ConnectionPool

from index import stories
from index.articles import Article
from index.chunking import article_of, position_of
from index.errors import StoreUnavailableError
from index.keyword import KeywordDamage
from index.manifest import CONSISTENT, Entry, Spans, pack_sentences, unpack_sentences
from index.pg import keyword
from index.pg.connect import unreachable
from index.pg.stories import PostgresStories

log = logging.getLogger(__name__)

_COLUMNS = "id, content_hash, title, published_at, source, url, origin, chunks, indexed_at"
_UPSERT = (
    f"INSERT INTO articles ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET"
    " content_hash = excluded.content_hash, title = excluded.title, published_at = excluded.published_at,"
    " source = excluded.source, url = excluded.url, origin = excluded.origin, chunks = excluded.chunks,"
    " indexed_at = excluded.indexed_at"
)
_SENTENCES = (
    "INSERT INTO sentences VALUES (%s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET"
    " content_hash = excluded.content_hash, spans = excluded.spans, vectors = excluded.vectors"
)
_MARK_MOVING = "INSERT INTO meta VALUES ('moving', 1) ON CONFLICT (key) DO NOTHING"
_BUMP = "UPDATE meta SET value = value + 1 WHERE key = 'generation'"
# The planner's statistics of the index's tables. A table never analysed is planned by defaults: the story of a
# new article (``PostgresStories.shared``) is then looked up by reading every sentence key of the index (60-100
# ms an article at 580,000 keys, growing with the archive) instead of through the key index (1 ms). Autovacuum
# analyses a table once a tenth of its rows changed, where it runs; the records apply the same rule themselves
# every ANALYSE_EVERY articles written and at the end of each run, for a server without autovacuum, or whose
# autovacuum has not come round yet after a large first run.
_ANALYSED = ("articles", "sentences", "chunks", "terms", "stories", "story_sentences")
_STALE = (
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY(%s)"
    " AND (last_analyze IS NULL AND last_autoanalyze IS NULL OR n_mod_since_analyze > 50 + 0.1 * n_live_tup)"
    " AND (pg_has_role((SELECT relowner FROM pg_class WHERE oid = relid), 'MEMBER')"  # who may analyse it
    " OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) ORDER BY relname"
)
ANALYSE_EVERY = 500
_MARK_CONSISTENT = (
    "INSERT INTO meta SELECT 'consistent', value FROM meta WHERE key = 'generation'"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class PostgresManifest:
    """The records of one index in a PostgreSQL schema, through a pool of connections shared by threads."""

    def __init__(self, pool: ConnectionPool, location: str) -> None:
        self._pool = pool
        self._location = location
        self._written = 0  # articles written since the statistics were last brought up to date

    @property
    def location(self) -> str:
        return self._location

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A connection of the pool; a lost database becomes a StoreUnavailableError that says where."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:
            raise unreachable(self._location, exc) from exc

    def _query(self, sql: str, params: object = None) -> list[tuple]:
        with self._connection() as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """A change and the generation bump that announces it, atomically."""
        with self._connection() as conn, conn.transaction():
            yield conn
            conn.execute(_BUMP)

    def close(self) -> None:
        self._pool.close()

    def entries(self) -> dict[str, Entry]:
        rows = self._query(
            f"SELECT {_COLUMNS} FROM articles ORDER BY published_at IS NULL, published_at DESC, title COLLATE \"C\""
        )
        return {row[0]: Entry(*row[:7], int(row[7]), row[8]) for row in rows}

    @property
    def generation(self) -> int:
        """A number that changes whenever the indexed content does."""
        return int(self._query("SELECT value FROM meta WHERE key = 'generation'")[0][0])

    @property
    def keywords_complete(self) -> bool:
        """Always: these records were made with their keyword rows from the start."""
        return True

    def record(self, article: Article, texts: Sequence[str], spans: Spans, vectors: np.ndarray) -> None:
        """Mark an article as fully indexed with chunks of these ``texts``, and the vectors of its citable ``spans``;
        its row last."""
        row = (
            article.id,
            article.content_hash,
            article.title,
            article.published_at,
            article.source,
            article.url,
            article.origin,
            len(texts),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._transaction() as conn:
            conn.execute(_SENTENCES, (article.id, article.content_hash, *pack_sentences(spans, vectors)))
            keyword.write(conn, article.id, article.title, texts)
            stories.write(PostgresStories(conn), article, spans, vectors)
            conn.execute(_UPSERT, row)
        self._wrote()

    def adopt(
        self,
        entry: Entry,
        texts: Sequence[str],
        sentences: tuple[Spans, np.ndarray] | None,
        placed: stories.Placed | None,
    ) -> None:
        """Copy an article recorded by other records (``index.move``) as it is there: its row (when it was indexed
        included), its chunks' keyword rows from their ``texts``, its sentence vectors and its story row, none
        computed again; its row last, in one transaction. None where the other records have none (an article
        indexed by an earlier version, which the next indexing run completes)."""
        row = (entry.id, entry.content_hash, entry.title, entry.published_at, entry.source, entry.url, entry.origin,
               entry.chunks, entry.indexed_at)  # fmt: skip
        with self._transaction() as conn:
            if sentences is not None:
                conn.execute(_SENTENCES, (entry.id, entry.content_hash, *pack_sentences(*sentences)))
            keyword.write(conn, entry.id, entry.title, texts)
            if placed is not None:
                PostgresStories(conn).insert(entry.id, placed.membership, entry.published_at, placed.gist, placed.keys)
            conn.execute(_UPSERT, row)
        self._wrote()

    def _wrote(self) -> None:
        self._written += 1
        if self._written >= ANALYSE_EVERY:
            self.analyse()

    def analyse(self) -> list[str]:
        """Bring the planner's statistics of the tables changed by a tenth since they were last analysed (or
        never analysed) up to date, each in a transaction of its own; the tables analysed. A failure is only
        logged: the statistics make queries faster, nothing depends on them."""
        self._written = 0
        done: list[str] = []
        try:
            with self._connection() as conn:
                for (table,) in conn.execute(_STALE, (list(_ANALYSED),)).fetchall():
                    conn.execute(psycopg.sql.SQL("ANALYZE {}").format(psycopg.sql.Identifier(table)))
                    conn.commit()
                    done.append(table)
        except (psycopg.Error, StoreUnavailableError) as exc:
            log.warning("the planner's statistics of %s were not brought up to date: %s", self._location, exc)
        return done

    def sentence_vectors(self, articles: dict[str, str]) -> dict[tuple[str, int, int], np.ndarray]:
        """Vectors of the citable spans of ``articles`` (id -> content hash), by (id, start, end)."""
        if not articles:
            return {}
        rows = self._query(
            "SELECT article_id, content_hash, spans, vectors FROM sentences WHERE article_id = ANY(%s)",
            (list(articles),),
        )
        return unpack_sentences(rows, articles)

    def with_sentences(self) -> set[str]:
        return {row[0] for row in self._query("SELECT article_id FROM sentences")}

    def forget(self, article_id: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = %s", (article_id,))
            conn.execute("DELETE FROM sentences WHERE article_id = %s", (article_id,))
            keyword.remove(conn, article_id)
            PostgresStories(conn).remove(article_id)

    def clear(self) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM articles")
            conn.execute("DELETE FROM sentences")
            keyword.clear(conn)
            PostgresStories(conn).clear()

    def place(self, article: Article, spans: Spans, vectors: np.ndarray) -> None:
        """Put a recorded article in its story (one recorded before the records had stories)."""
        with self._transaction() as conn:
            stories.write(PostgresStories(conn), article, spans, vectors)
        self._wrote()

    def memberships(self) -> dict[str, stories.Membership]:
        """Each article's story and copy group (``index.stories``), by article id."""
        with self._connection() as conn:
            return PostgresStories(conn).memberships()

    def keyword_search(self, topic: str, k: int, articles: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, score) pairs for ``topic`` by BM25, best first, from ``articles`` only if given."""
        with self._connection() as conn:
            return keyword.search(conn, topic, k, articles)

    def keyword_damage(self) -> KeywordDamage:
        """Chunks of the articles' rows without keyword rows, and keyword rows of no such chunk."""
        with self._connection() as conn:
            return keyword.damage(conn)

    def write_keywords(self, articles: Sequence[tuple[str, str, Sequence[str]]], extra: Sequence[str] = ()) -> None:
        """Write the keyword rows of (article id, title, chunk texts) of recorded articles, and remove the ``extra``
        rows of chunks no row lists, in one transaction."""
        with self._transaction() as conn:
            keyword.remove_chunks(conn, [(article_of(c), position_of(c)) for c in extra])
            for article_id, title, texts in articles:
                keyword.write(conn, article_id, title, texts)

    def mark_keywords_complete(self) -> None:
        """Nothing to do: see :attr:`keywords_complete`."""

    @property
    def consistent(self) -> bool:
        """Whether the last indexing run ended cleanly and nothing was written since (:meth:`mark_consistent`)."""
        return bool(self._query(CONSISTENT))

    def mark_consistent(self, consistent: bool) -> None:
        """Record that the store holds just what the rows promise, as of now; or, before a run changes the
        store, that it may not."""
        with self._connection() as conn:
            conn.execute(_MARK_CONSISTENT if consistent else "DELETE FROM meta WHERE key = 'consistent'")
        if consistent:  # the end of a run, or of a move
            self.analyse()

    @property
    def moving(self) -> bool:
        """Whether a move into these records (``index.move``) has begun and not finished."""
        return bool(self._query("SELECT 1 FROM meta WHERE key = 'moving'"))

    def mark_moving(self, moving: bool) -> None:
        """Record that a move into these records has begun (refused to everyone else until it ends), or ended."""
        with self._connection() as conn:
            conn.execute(_MARK_MOVING if moving else "DELETE FROM meta WHERE key = 'moving'")

    def totals(self) -> tuple[int, int]:
        """(articles, chunks) as recorded."""
        ((articles, chunks),) = self._query("SELECT count(*), coalesce(sum(chunks), 0) FROM articles")
        return int(articles), int(chunks)
