"""Passage search: hybrid, filtered, committed articles only."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app.service import Service
from index.filters import Filter


def test_a_filtered_search_finds_the_same_passages_by_exact_and_by_indexed_search(
    slice_index: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few admitted chunks are compared with the question directly; many go to Chroma's filtered search."""
    where = Filter(since=date(2024, 1, 1))
    question = "What verdict was reached against Ford?"
    exact = slice_index.retriever.search(question, 10, where)
    monkeypatch.setattr("index.search.EXACT_SEARCH_CHUNKS", 0)
    indexed = slice_index.retriever.search(question, 10, where)
    assert [p.chunk_id for p in exact] == [p.chunk_id for p in indexed]
    assert [p.similarity for p in exact] == pytest.approx([p.similarity for p in indexed], abs=1e-5)
    assert exact and all(p.published_at >= "2024-01-01" for p in exact)
    everything = slice_index.retriever.search(question, 40)
    assert any((p.published_at or "") < "2024-01-01" for p in everything)  # the filter left some out
