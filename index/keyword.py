"""BM25 keyword search over the committed chunks, kept in the manifest as an SQLite FTS5 table.

Dense embeddings miss exact names, numbers and rare words that news questions
hinge on; BM25 catches them. Each chunk's keyword row holds the stems of its
article's title and its text, as :func:`tokenize` makes them (lower-cased,
Snowball-stemmed, without English stop words), joined by spaces; FTS5 only
splits them again on the spaces and ranks with its ``bm25()``. The rows are
written and removed in the transaction of their article's manifest row, so a
reader's keyword search only ever finds committed articles, and adding an
article costs the writing of its own rows, whatever the size of the index.

The functions here take the manifest's connection; :class:`index.manifest.Manifest`
calls them inside its transactions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from index import pruning
from index.chunking import article_of, chunk_id, position_of

_STEMMER = Stemmer.Stemmer("english")
# The longer English list: it also drops question words ("who", "which",
# "did"), which otherwise match sentences that merely contain them.
_STOPWORDS = list(STOPWORDS_EN_PLUS)

# ``keyword_rows`` holds a chunk's stems; ``keyword_index`` is FTS5's index of
# them (external content: the stems are stored once), kept in step by triggers
# within each statement. The ascii tokenizer with '_' as a token character
# splits the stems exactly where they were joined: on spaces (stems are runs of
# word characters; anything outside ASCII counts as a token character).
SCHEMA = """
CREATE TABLE IF NOT EXISTS keyword_rows (
    n INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    stems TEXT NOT NULL,
    UNIQUE (article_id, position)
);
CREATE VIRTUAL TABLE IF NOT EXISTS keyword_index USING fts5(
    stems, content='keyword_rows', content_rowid='n', tokenize="ascii tokenchars '_'"
);
CREATE TRIGGER IF NOT EXISTS keyword_rows_added AFTER INSERT ON keyword_rows BEGIN
    INSERT INTO keyword_index (rowid, stems) VALUES (new.n, new.stems);
END;
CREATE TRIGGER IF NOT EXISTS keyword_rows_removed AFTER DELETE ON keyword_rows BEGIN
    INSERT INTO keyword_index (keyword_index, rowid, stems) VALUES ('delete', old.n, old.stems);
END;
"""


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stemmed word tokens without English stop words."""
    return bm25s.tokenize(list(texts), stopwords=_STOPWORDS, stemmer=_STEMMER, show_progress=False, return_ids=False)


def stems(words: Sequence[str]) -> list[str]:
    """The English stems of ``words`` as keyword search stems them ("Americans": "american")."""
    return _STEMMER.stemWords(list(words))


def document(title: str, text: str) -> str:
    """What keyword search matches a chunk on: its article's title and its text."""
    return f"{title}\n{text}"


def _any(found: Sequence[str]) -> str:
    """The FTS5 query for any of ``found``, each once per time it occurs: each a quoted string, so that FTS5 reads
    none as an operator; a repeated stem counts again, as in the query of a BM25 sum."""
    return " OR ".join(f'"{stem}"' for stem in found)


def _match(found: Sequence[str], common: frozenset[str]) -> str:
    """The FTS5 query matching the chunks that hold one of the ``found`` stems not in ``common``, scored on all.

    A chunk holding such a stem and no common one matches the first branch,
    one holding both the second; FTS5 counts a stem only in the branch that
    matches, so each stem counts once, as in the plain query.
    """
    if not common:
        return _any(found)
    rare, usual = _any([s for s in found if s not in common]), _any([s for s in found if s in common])
    return f"(({rare}) NOT ({usual})) OR (({usual}) AND ({rare}))"


class Holding:
    """How many chunks hold each stem, kept for one generation of the index: counting costs a pass over the
    stem's rows (a few ms for a common one at 200,000 chunks), and questions share their common stems."""

    KEPT = 100_000  # stems, at most (a few MB)

    def __init__(self) -> None:
        self.generation, self.counts = -1, {}

    def at(self, generation: int) -> dict[str, int]:
        """The counts kept for ``generation`` (none yet, when it is not the one they were kept for)."""
        if generation != self.generation or len(self.counts) > self.KEPT:
            self.generation, self.counts = generation, {}
        return self.counts


_HOLDING = "SELECT count(*) FROM keyword_index WHERE keyword_index MATCH ?"


def _held(db: sqlite3.Connection, found: Sequence[str], holding: MutableMapping[str, int]) -> dict[str, int]:
    """How many chunks hold each stem of ``found``; ``holding`` keeps the counts for the next searches of the
    same index generation."""
    for stem in set(found) - holding.keys():
        holding[stem] = db.execute(_HOLDING, (_any([stem]),)).fetchone()[0]
    return {stem: holding[stem] for stem in found}


def write(db: sqlite3.Connection, article_id: str, title: str, texts: Sequence[str]) -> None:
    """Replace the keyword rows of an article by those of its chunks' ``texts``, in order."""
    remove(db, article_id)
    joined = [" ".join(words) for words in tokenize([document(title, text) for text in texts])]
    db.executemany(
        "INSERT INTO keyword_rows (article_id, position, stems) VALUES (?, ?, ?)",
        [(article_id, position, words) for position, words in enumerate(joined)],
    )


def remove(db: sqlite3.Connection, article_id: str) -> None:
    db.execute("DELETE FROM keyword_rows WHERE article_id = ?", (article_id,))


def remove_chunks(db: sqlite3.Connection, chunks: Iterable[str]) -> None:
    """Remove the keyword rows of these chunk ids."""
    db.executemany(
        "DELETE FROM keyword_rows WHERE article_id = ? AND position = ?",
        [(article_of(chunk), position_of(chunk)) for chunk in chunks],
    )


def clear(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM keyword_rows")


# FTS5 ranks by bm25() itself (k1 = 1.2, b = 0.75) when asked for its own best
# rows, 2 ms a question faster on the dev set than ranking them after a join;
# restricted to some articles, only their rows are scored.
_BEST = (
    "SELECT r.article_id, r.position, best.score FROM (SELECT rowid AS n, rank AS score FROM keyword_index"
    " WHERE keyword_index MATCH ? ORDER BY rank LIMIT ?) best JOIN keyword_rows r ON r.n = best.n ORDER BY best.score"
)
_BEST_OF = (
    "SELECT r.article_id, r.position, bm25(keyword_index) AS score FROM keyword_index"
    " JOIN keyword_rows r ON r.n = keyword_index.rowid"
    " WHERE keyword_index MATCH ? AND r.article_id IN (SELECT value FROM json_each(?)) ORDER BY score LIMIT ?"
)


def search(
    db: sqlite3.Connection,
    topic: str,
    k: int,
    articles: Iterable[str] | None = None,
    holding: MutableMapping[str, int] | None = None,
) -> list[tuple[str, float]]:
    """Up to ``k`` (chunk id, score) pairs for ``topic``, best first, from ``articles`` only if given.

    Only chunks holding the topic's rarer stems are found (:mod:`index.pruning`), each scored by BM25 on all
    of them; a higher score is better. ``holding`` keeps how many chunks hold each stem, kept by the caller for
    one generation of the index.
    """
    found = tokenize([topic])[0]
    if not found or k <= 0:
        return []
    only = None if articles is None else json.dumps(list(articles))

    def best(common: frozenset[str]) -> list[tuple[str, int, float]]:
        if only is None:
            return db.execute(_BEST, (_match(found, common), k)).fetchall()
        return db.execute(_BEST_OF, (_match(found, common), only, k)).fetchall()

    holding = {} if holding is None else holding
    rows = best(pruning.common_terms(_held(db, found, holding), k))
    return [(chunk_id(article, position), -score) for article, position, score in rows]


@dataclass
class KeywordDamage:
    """Where the keyword rows and the manifest's rows disagree, by chunk id."""

    missing: dict[str, list[str]] = field(default_factory=dict)  # by article: chunks a row lists without keywords
    extra: list[str] = field(default_factory=list)  # keyword rows of chunks no manifest row lists

    def __len__(self) -> int:
        """Chunks whose keyword rows are wrong: missing or extra."""
        return sum(map(len, self.missing.values())) + len(self.extra)


def damage(db: sqlite3.Connection) -> KeywordDamage:
    """Compare the keyword rows with the articles' rows: every committed chunk once, nothing else.

    A manifest made by an earlier version has no keyword table: all its chunks are missing.
    """
    found = KeywordDamage()
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'keyword_rows'").fetchall():
        rows = db.execute("SELECT id, chunks, '' FROM articles").fetchall()
    else:
        rows = db.execute(
            "SELECT a.id, a.chunks, group_concat(r.position) FROM articles a"
            " LEFT JOIN keyword_rows r ON r.article_id = a.id AND r.position >= 0 AND r.position < a.chunks"
            " GROUP BY a.id HAVING COUNT(r.n) < a.chunks"
        ).fetchall()
        extra = db.execute(
            "SELECT r.article_id, r.position FROM keyword_rows r LEFT JOIN articles a ON a.id = r.article_id"
            " WHERE a.id IS NULL OR r.position < 0 OR r.position >= a.chunks ORDER BY r.article_id, r.position"
        ).fetchall()
        found.extra = [chunk_id(article, position) for article, position in extra]
    found.missing = missing_of((article, chunks, (int(p) for p in (present or "").split(",") if p))
                               for article, chunks, present in rows)  # fmt: skip
    return found


def missing_of(rows: Iterable[tuple[str, int, Iterable[int]]]) -> dict[str, list[str]]:
    """The chunk ids each article lacks keyword rows for, from (article id, chunks, positions it has rows for)."""
    missing: dict[str, list[str]] = {}
    for article, chunks, present in rows:
        have = set(present)
        missing[article] = [chunk_id(article, p) for p in range(chunks) if p not in have]
    return missing
