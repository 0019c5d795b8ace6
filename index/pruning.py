"""The k best chunks by BM25 without scoring every chunk that shares a word with the question.

A term adds at most its weight (idf, times the times the question holds it)
times (k1 + 1) to a chunk's score, however often the chunk holds it. So a
chunk holding only the question's commonest terms scores less than the sum
of their bounds; once k chunks holding one of the other terms score more than
that sum, no chunk holding only common terms can be among the k best, and
only the chunks holding a rarer term need scoring (each still scored on every
term). This is the MaxScore rule of search engines: the k best are those of
scoring every chunk, while the chunks holding only common words ("year",
"state", "new": tens of thousands at 200,000 chunks) are never scored.

Both keyword searches (SQLite's FTS5, PostgreSQL's SQL) use it; each says how
to search with some terms left out of the match. Growth benchmark's 200,000
chunks, its 100 questions, two cores: the FTS5 search took a median 103 ms of
CPU (p95 207) scoring every chunk, 68 ms (p95 156) so, with the same results;
on the dev set the eval's figures did not move.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TypeVar

Row = TypeVar("Row")

K1 = 1.2  # FTS5's bm25() default, which both modes use
IDF_FLOOR = 1e-6  # FTS5's, for terms in more than half the chunks
# The first search matches the chunks of the question's rarest terms, taken until they are held by this many
# times k chunks (counted with repeats): enough that k of them usually score above the bound of the rest.
# 200,000 chunks: 3, 10 and 30 cost the same (a median 64 to 68 ms of CPU a search); a first search scoring
# the rarest terms alone was cheaper but found a lower bound, and the second search cost that much more.
FIRST_ROWS = 10
MARGIN = 1e-9  # relative: scores summed in another order may differ in their last digits


def idf(chunks: int, holding: int) -> float:
    """A term's inverse document frequency as FTS5 computes it, among ``chunks`` of which ``holding`` hold it."""
    return max(math.log((chunks - holding + 0.5) / (holding + 0.5)), IDF_FLOOR)


def best_rows(
    weights: Mapping[str, float],
    holding: Mapping[str, int],
    k: int,
    search: Callable[[frozenset[str]], list[Row]],
    score: Callable[[Row], float],
) -> list[Row]:
    """The rows ``search(frozenset())`` gives (the k best chunks, every chunk sharing a term scored), found by
    searches leaving ``common`` terms out of the match where the bound proves it changes nothing.

    ``weights``: each term's weight (an upper bound of it will do); ``holding``: how many chunks hold each term
    (a lower bound will do); ``search(common)``: the k best of the chunks holding a term not in ``common``, each
    scored on every term; ``score``: a row's score, higher better.
    """
    bound = {term: w * (K1 + 1) for term, w in weights.items()}
    rarest = sorted(bound, key=bound.__getitem__, reverse=True)
    first, held = set(), 0
    for term in rarest:
        if held >= FIRST_ROWS * k:
            break
        first.add(term)
        held += holding.get(term, 0)
    common = frozenset(bound) - first
    if not common:
        return search(frozenset())
    rows = search(common)
    if len(rows) < k:  # fewer than k chunks hold a rarer term: the common ones may fill the rest
        return search(frozenset())
    floor = score(rows[k - 1]) * (1 - MARGIN)  # the k-th best score is at least this
    if _bound(bound, common) < floor:
        return rows
    fewer = _commonest_below(bound, floor)  # searching more chunks can only raise the k-th best score
    return search(fewer)


def _bound(bound: Mapping[str, float], terms: frozenset[str]) -> float:
    return sum(bound[t] for t in terms) * (1 + MARGIN)


def _commonest_below(bound: Mapping[str, float], floor: float) -> frozenset[str]:
    """The most terms, commonest first, whose bounds add up to less than ``floor``."""
    taken: set[str] = set()
    for term in sorted(bound, key=bound.__getitem__):
        if _bound(bound, frozenset(taken | {term})) >= floor:
            break
        taken.add(term)
    return frozenset(taken)
