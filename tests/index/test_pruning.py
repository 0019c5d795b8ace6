"""Keyword search scores only the chunks that can be among the best, and finds what scoring all of them finds."""

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
CHUNKS = 300


def texts() -> list[str]:
    """Every chunk says "week"; every seventh, "lighthouse"; a few, rarer words."""
    lighthouse = ["", "The lighthouse stood."]
    return [f"{WEEKLY} Item {n}. {lighthouse[n % 7 == 0]} {RARE.get(n, '')}".strip() for n in range(CHUNKS)]


def searcher(docs: dict[str, list[str]], terms: list[str], k: int, searched: list[frozenset[str]]) -> Callable:
    """A search as ``best_rows`` is given one: the k best by BM25 of the chunks holding a term not in ``common``."""
    scores = okapi(terms, docs)

    def search(common: frozenset[str]) -> list[tuple[str, float]]:
        searched.append(common)
        held = [c for c, words in docs.items() if set(words) & (set(terms) - common)]
        return sorted(((c, scores[c]) for c in held), key=lambda row: (-row[1], row[0]))[:k]

    return search


def pruned(docs: dict[str, list[str]], terms: list[str], k: int) -> tuple[list, list, list[frozenset[str]]]:
    """What ``best_rows`` finds, what scoring every chunk finds, and the terms each of its searches left out."""
    holding = Counter(t for words in docs.values() for t in set(words))
    weights = {t: pruning.idf(len(docs), holding[t]) for t in terms}
    searched: list[frozenset[str]] = []
    found = pruning.best_rows(weights, holding, k, searcher(docs, terms, k, searched), lambda row: row[1])
    return found, searcher(docs, terms, k, [])(frozenset()), searched


def test_common_terms_are_left_out_of_the_match_when_they_cannot_change_the_best() -> None:
    docs = {f"c{n}": tokenize([text])[0] for n, text in enumerate(texts())}
    found, everything, searched = pruned(docs, tokenize([QUESTION])[0], 2)

    assert found == everything
    assert "week" in searched[0]  # ...without the chunks holding only "week" being scored first


def test_the_best_need_not_hold_a_rare_term() -> None:
    """With fewer rare chunks than asked for, the common term's chunks fill the rest, as without pruning."""
    docs = {f"c{n}": tokenize([text])[0] for n, text in enumerate(texts())}
    found, everything, _ = pruned(docs, tokenize([QUESTION])[0], 5)

    assert found == everything and len(found) == 5


def test_a_chunk_holding_only_common_terms_is_found_when_it_can_beat_the_rarer_ones() -> None:
    """"x" is rarer than "y", but one chunk says "y" five times: it scores above every chunk saying "x" once."""
    docs = {f"x{n}": ["x"] + [f"w{n}-{i}" for i in range(9)] for n in range(100)}
    docs |= {f"y{n}": ["y"] + [f"v{n}-{i}" for i in range(9)] for n in range(120)}
    docs["y5"] = ["y"] * 5 + [f"u{i}" for i in range(5)]
    docs |= {f"z{n}": [f"z{n}-{i}" for i in range(10)] for n in range(80)}
    found, everything, _ = pruned(docs, ["x", "y"], 1)

    assert searcher(docs, ["x", "y"], 1, [])(frozenset({"y"}))[0][0].startswith("x")  # the rarer term's: wrong
    assert found == everything == [("y5", okapi(["x", "y"], docs)["y5"])]


def test_the_manifest_s_keyword_search_ranks_as_bm25_over_every_chunk(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path / "manifest.sqlite3")
    article = make_article(text=" ".join(texts()), title="Harbour notes", origin="/news/harbour.txt")
    manifest.record(article, texts(), [], np.zeros((0, 4), dtype=np.float32))
    docs = {chunk_id(article.id, n): tokenize([f"Harbour notes\n{text}"])[0] for n, text in enumerate(texts())}

    for question, k in ((QUESTION, 1), (QUESTION, 3), ("lighthouse week gulls", 2), ("week", 4), (QUESTION, 80)):
        expected = okapi(tokenize([question])[0], docs)
        best = sorted(expected.items(), key=lambda item: -item[1])[:k]
        assert_same_ranking(manifest.keyword_search(question, k), best)
