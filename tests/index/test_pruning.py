"""Keyword search scores only the chunks holding the question's rarer terms, and every chunk when too few do."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index import pruning
from index.articles import make_article
from index.chunking import chunk_id
from index.keyword import tokenize
from index.manifest import Manifest
from tests.index.test_keyword import okapi
from tests.index.test_postgres import assert_same_ranking

WEEKLY = "The council met this week and the week before, as every week."  # "week" in every chunk: common
RARE = {3: "The lighthouse keeper retired.", 17: "The keeper opened the quay.", 29: "Gulls nested on the pier."}
QUESTION = "Which week did the lighthouse keeper retire?"
CHUNKS = 1000


def texts() -> list[str]:
    """Every chunk says "week"; every seventh, "lighthouse"; a few, rarer words."""
    lighthouse = ["", "The lighthouse stood."]
    return [f"{WEEKLY} Item {n}. {lighthouse[n % 7 == 0]} {RARE.get(n, '')}".strip() for n in range(CHUNKS)]


def searcher(docs: dict[str, list[str]], terms: list[str], k: int, searched: list[frozenset[str]]) -> Callable:
    """A search as the keyword searches make one: the k best by BM25 of the chunks holding a term not in ``common``."""
    scores = okapi(terms, docs)

    def search(common: frozenset[str]) -> list[tuple[str, float]]:
        searched.append(common)
        held = [c for c, words in docs.items() if set(words) & (set(terms) - common)]
        return sorted(((c, scores[c]) for c in held), key=lambda row: (-row[1], row[0]))[:k]

    return search


def pruned(docs: dict[str, list[str]], terms: list[str], k: int) -> tuple[list, list, list[frozenset[str]]]:
    """What the rule finds, what scoring every chunk finds, and the terms each search left out."""
    holding = Counter(t for words in docs.values() for t in set(words) if t in terms)
    searched: list[frozenset[str]] = []
    found = searcher(docs, terms, k, searched)(pruning.common_terms(holding, k))
    return found, searcher(docs, terms, k, [])(frozenset()), searched


def test_common_terms_are_left_out_of_the_match_once_rarer_ones_are_held_by_enough_chunks() -> None:
    docs = {f"c{n}": tokenize([text])[0] for n, text in enumerate(texts())}
    found, everything, searched = pruned(docs, tokenize([QUESTION])[0], 2)

    assert pruning.FIRST_ROWS * 2 < CHUNKS // 7  # "lighthouse" alone is held by enough chunks
    assert searched == [frozenset({"week"})]  # the chunks holding only "week" were never scored...
    assert found == everything  # ...and the best hold a rarer term


def test_every_chunk_is_scored_when_the_rarer_terms_are_held_by_too_few() -> None:
    docs = {f"c{n}": tokenize([text])[0] for n, text in enumerate(texts())}
    found, everything, searched = pruned(docs, tokenize(["the keeper's week"])[0], 5)

    assert searched == [frozenset()]  # two chunks hold "keeper": the rest say only "week"
    assert found == everything and len(found) == 5


def test_a_chunk_holding_only_common_terms_is_not_found_even_where_it_would_rank_first() -> None:
    """The price of the rule: "x" is held by enough chunks, and the chunk saying "y" five times, which BM25
    puts above every chunk saying "x" once, is not scored."""
    docs = {f"x{n}": ["x"] + [f"w{n}-{i}" for i in range(9)] for n in range(pruning.FIRST_ROWS + 40)}
    docs |= {f"y{n}": ["y"] + [f"v{n}-{i}" for i in range(9)] for n in range(pruning.FIRST_ROWS + 60)}
    docs["y5"] = ["y"] * 5 + [f"u{i}" for i in range(5)]
    docs |= {f"z{n}": [f"z{n}-{i}" for i in range(10)] for n in range(80)}
    found, everything, searched = pruned(docs, ["x", "y"], 1)

    assert everything == [("y5", okapi(["x", "y"], docs)["y5"])]
    assert searched == [frozenset({"y"})] and found[0][0].startswith("x")


def test_the_manifest_s_keyword_search_ranks_as_bm25_over_every_chunk(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path / "manifest.sqlite3")
    article = make_article(text=" ".join(texts()), title="Harbour notes", origin="/news/harbour.txt")
    manifest.record(article, texts(), [], np.zeros((0, 4), dtype=np.float32))
    docs = {chunk_id(article.id, n): tokenize([f"Harbour notes\n{text}"])[0] for n, text in enumerate(texts())}

    for question, k in ((QUESTION, 1), (QUESTION, 3), ("lighthouse week gulls", 2), ("week", 4), (QUESTION, 80)):
        expected = okapi(tokenize([question])[0], docs)
        best = sorted(expected.items(), key=lambda item: -item[1])[:k]
        assert_same_ranking(manifest.keyword_search(question, k), best)
