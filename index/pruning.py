"""Which chunks keyword search scores: those holding the question's rarer terms, each scored on every term.

Finding the chunks that hold a term is cheap; scoring them by BM25 is not:
at 200,000 chunks FTS5 found the 82,000 chunks holding a term of one dev
question in 16 ms and scored them in 200 (about 2.5 µs a chunk for a dozen
terms). The commonest terms of a question ("week", "plan", "2024") are held
by tens of thousands of chunks, and a chunk holding only them seldom belongs
among the best. So the search matches the chunks holding the question's
rarest terms, taken rarest first until they are held by ``FIRST_ROWS`` times
k chunks, and scores each of them on every term of the question; the others
are never scored. When the rarer terms are held by fewer chunks, every chunk
sharing a term is scored.

This can miss a chunk holding only common terms, many times, that BM25
would rank high. MaxScore, the search engines' rule, proves when such a
chunk cannot enter the k best (a term adds at most its weight times k1 + 1),
but that bound is reached only as a term's count grows without end: at
200,000 chunks it proved nothing for 95 of the growth benchmark's 100
questions, and searching the rest cost a median 118 ms of CPU (p95 295).
This rule's figures are beside ``FIRST_ROWS``.
Both keyword searches (SQLite's FTS5, PostgreSQL's SQL) use this rule; each
says how to search with some terms left out of the match.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

K1 = 1.2  # FTS5's bm25() default, which both modes use
IDF_FLOOR = 1e-6  # FTS5's, for terms in more than half the chunks
# Chunks matched, as a multiple of k (counted with repeats). `benchmarks/growth.py --keyword KEPT --first-rows N`,
# SQLite, 200,000 chunks, 100 questions, k 80, 2 cores of an AMD EPYC (median and p95 ms a search, against about
# 175 and 390 scoring every chunk; share of the latter's 10 best found; questions whose 10 best were all found):
# 10: 39, 68, 85%, 84; 30: 29, 53, 97%, 96; 60: 39, 62, 98%, 98; 120: 61, 112, 100%, 100.
# PostgreSQL, same index and questions: 30: 38, 74, 97%, 96; 60: 56, 103, 98%, 98 (against 552 and 1,231 scoring
# every chunk); whole warm asks (keyword search is most of the slowest ones), two runs each, side by side:
# 30: p50 58 / 58 ms, p95 99 / 99; 60: p50 79 / 85, p95 124 / 142.
# Dev set (18,000 chunks, 30 times k a seventh of the index): 30 and 60 gave the same report but for one
# multiple-choice question (mc_accuracy 0.6948 -> 0.6883); recall, mrr and answers did not move.
FIRST_ROWS = 30


def idf(chunks: int, holding: int) -> float:
    """A term's inverse document frequency as FTS5 computes it, among ``chunks`` of which ``holding`` hold it."""
    return max(math.log((chunks - holding + 0.5) / (holding + 0.5)), IDF_FLOOR)


def common_terms(holding: Mapping[str, int], k: int) -> frozenset[str]:
    """The terms left out of the match: all but the rarest, taken until they are held by ``FIRST_ROWS`` times
    ``k`` chunks (``holding``: how many chunks hold each term)."""
    rarest = sorted(holding, key=holding.__getitem__)
    held = 0
    for n, term in enumerate(rarest):
        held += holding[term]
        if held >= FIRST_ROWS * k:
            return frozenset(rarest[n + 1 :])
    return frozenset()
