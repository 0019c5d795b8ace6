"""BM25 keyword search in PostgreSQL: the chunks' terms in a GIN-indexed tsvector, scored by BM25 in SQL.

A chunk's terms are the project's own stems (:func:`index.keyword.tokenize`:
Snowball English stemming, the longer English stop-word list), written into
the tsvector as they are, with their positions, rather than parsed again by a
text search configuration: both modes then match on the same terms, where
PostgreSQL's ``english`` configuration, with the same Snowball stemmer, splits
words otherwise ("COVID-19" into "covid" and "-19", "U.S." kept as "u.s") and
drops other stop words. The GIN index finds the chunks sharing a term with
the question.

They are ranked by BM25 as SQLite's FTS5 computes it (k1 = 1.2, b = 0.75, its
idf floored just above 0), so both modes give the same scores. PostgreSQL's
``ts_rank_cd`` has no inverse document frequency: on the dev set
(realtimeqa-2024, 18,357 chunks, one index ranked both ways) it lost mrr@10
0.4608 -> 0.4318, recall@1 0.4091 -> 0.3571 and mc_accuracy 0.6558 -> 0.6299
(recall@5 0.5195 -> 0.5260). The document frequencies, chunk count and token
count BM25 needs are kept in the ``terms`` and ``totals`` tables by triggers,
in the transaction that writes or removes the chunks, so adding an article
costs the writing of its own rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import psycopg

from index import pruning
from index.chunking import chunk_id
from index.keyword import KeywordDamage, document, missing_of, tokenize

K1, B = pruning.K1, 0.75  # FTS5's bm25() defaults, so that both modes rank alike
MAX_POSITION = 16383  # PostgreSQL keeps positions up to this; a chunk holds far fewer terms


def tsvector(words: Sequence[str]) -> str:
    """The tsvector literal of a chunk's stems: each stem once, quoted, with every position it occurs at."""
    positions: dict[str, list[int]] = {}
    for n, word in enumerate(words, start=1):
        positions.setdefault(word, []).append(min(n, MAX_POSITION))
    return " ".join(f"'{_quoted(word)}':{','.join(map(str, sorted(set(at))))}" for word, at in positions.items())


def stems_of(literal: str) -> str:
    """The stems of a chunk, joined by spaces in their order, from the text of its tsvector (for checks)."""
    placed: list[tuple[int, str]] = []
    for item in literal.split(" ") if literal else []:  # stems hold no spaces
        word, _, at = item.rpartition(":")
        placed.extend((int(p), word.strip("'").replace("''", "'")) for p in at.split(","))
    return " ".join(word for _, word in sorted(placed))


def _quoted(word: str) -> str:
    return word.replace("\\", "\\\\").replace("'", "''")


def query_of(topic: str) -> tuple[list[str], list[int]] | None:
    """The topic's stems, each once, and how often it occurs (a repeated stem counts again, as in FTS5)."""
    found = Counter(tokenize([topic])[0])
    return (list(found), list(found.values())) if found else None


def write(conn: psycopg.Connection, article_id: str, title: str, texts: Sequence[str]) -> None:
    """Replace the keyword rows of an article by those of its chunks' ``texts``, in order; one statement each."""
    remove(conn, article_id)
    words = tokenize([document(title, text) for text in texts])
    conn.execute(
        "INSERT INTO chunks (article_id, position, stems, length)"
        " SELECT %s, p, s::tsvector, n FROM unnest(%s::integer[], %s::text[], %s::integer[]) AS x (p, s, n)",
        (article_id, list(range(len(words))), [tsvector(w) for w in words], [len(w) for w in words]),
    )


def remove(conn: psycopg.Connection, article_id: str) -> None:
    conn.execute("DELETE FROM chunks WHERE article_id = %s", (article_id,))


def remove_chunks(conn: psycopg.Connection, chunks: Sequence[tuple[str, int]]) -> None:
    """Remove the keyword rows of these (article id, position) pairs."""
    if chunks:
        conn.execute(
            "DELETE FROM chunks WHERE (article_id, position) IN (SELECT * FROM unnest(%s::text[], %s::integer[]))",
            ([a for a, _ in chunks], [p for _, p in chunks]),
        )


def clear(conn: psycopg.Connection) -> None:
    conn.execute("TRUNCATE chunks, terms")
    conn.execute("UPDATE totals SET chunks = 0, tokens = 0")


# What BM25 needs of the question's terms: in how many chunks each occurs, and how many chunks and terms
# there are in all. Read first, on their own: in one statement with the scoring, the planner misjudged
# the join and took 30 times as long on the dev set.
_STATS = (
    "SELECT t.term, t.chunks, s.chunks, s.tokens FROM totals s LEFT JOIN terms t ON t.term = ANY(%s)"
)
# Each chunk sharing a term with the question, found by the GIN index, is scored: for each such term, its
# weight (idf, times the times the question holds it) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)).
_SCORED = f"""
SELECT c.article_id, c.position, sum(
    w.weight * m.tf * {K1 + 1} / (m.tf + {K1} * ({1 - B} + {B} * c.length / %(average)s))
) AS score
FROM chunks c
CROSS JOIN LATERAL (
    SELECT u.lexeme, array_length(u.positions, 1)::float8 AS tf
    FROM unnest(ts_filter(setweight(c.stems, 'A', %(terms)s::text[]), '{{{{a}}}}')) AS u
) AS m
JOIN unnest(%(terms)s::text[], %(weights)s::float8[]) AS w (term, weight) ON w.term = m.lexeme
WHERE c.stems @@ %(match)s::tsquery {{only}}
GROUP BY c.article_id, c.position
ORDER BY score DESC, c.article_id, c.position
LIMIT %(k)s
"""
_BEST = _SCORED.format(only="")
_BEST_OF = _SCORED.format(only="AND c.article_id = ANY(%(articles)s)")


def weights(
    conn: psycopg.Connection, terms: list[str], times: list[int]
) -> tuple[dict[str, float], dict[str, int], float]:
    """Each term's BM25 weight (its idf as FTS5 computes it, floored just above 0, times ``times``), for the
    terms some chunk holds; how many chunks hold each; and the average length of a chunk."""
    rows = conn.execute(_STATS, (terms,)).fetchall()
    if not rows:
        return {}, {}, 1.0
    n, tokens = float(rows[0][2]), float(rows[0][3])
    held = {term: chunks for term, chunks, _, _ in rows if term is not None}
    repeats = dict(zip(terms, times))
    found = {term: repeats[term] * pruning.idf(n, chunks) for term, chunks in held.items()}
    return found, held, tokens / max(n, 1.0)


def search(
    conn: psycopg.Connection, topic: str, k: int, articles: Iterable[str] | None = None
) -> list[tuple[str, float]]:
    """Up to ``k`` (chunk id, score) pairs for ``topic``, best first, from ``articles`` only if given.

    Only the chunks holding the topic's rarer terms are scored (:mod:`index.pruning`).
    """
    query = query_of(topic)
    if query is None or k <= 0:
        return []
    found, held, average = weights(conn, *query)
    if not found:
        return []
    params = {"terms": list(found), "weights": list(found.values()), "average": average, "k": k}
    if articles is not None:
        params["articles"] = list(articles)

    def best(common: frozenset[str]) -> list[tuple[str, int, float]]:
        match = " | ".join(f"'{_quoted(t)}'" for t in found if t not in common)
        return conn.execute(_BEST if articles is None else _BEST_OF, {**params, "match": match}).fetchall()

    rows = best(pruning.common_terms(held, k))
    return [(chunk_id(article, position), float(score)) for article, position, score in rows]


def damage(conn: psycopg.Connection) -> KeywordDamage:
    """Compare the keyword rows with the articles' rows: every committed chunk once, nothing else."""
    found = KeywordDamage()
    rows = conn.execute(
        "SELECT a.id, a.chunks, array_remove(array_agg(c.position), NULL) FROM articles a"
        " LEFT JOIN chunks c ON c.article_id = a.id AND c.position >= 0 AND c.position < a.chunks"
        " GROUP BY a.id, a.chunks HAVING count(c.position) < a.chunks"
    ).fetchall()
    extra = conn.execute(
        "SELECT c.article_id, c.position FROM chunks c LEFT JOIN articles a ON a.id = c.article_id"
        " WHERE a.id IS NULL OR c.position < 0 OR c.position >= a.chunks ORDER BY c.article_id, c.position"
    ).fetchall()
    found.extra = [chunk_id(article, position) for article, position in extra]
    found.missing = missing_of((article, chunks, present or ()) for article, chunks, present in rows)
    return found
