"""Passage search: hybrid, filtered, committed articles only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_indexer, store_location
from index.filters import Filter
from index.store import SEARCH_EF, connect
from tests.fakes import HashEmbedder


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


def test_the_vector_index_explores_enough_candidates_even_when_an_earlier_version_made_it(
    settings: Settings, articles_dir: Path
) -> None:
    """Chroma's default exploration missed some of the nearest chunks, differently in each process."""
    indexer = open_indexer(settings, HashEmbedder())
    assert indexer.index_paths([articles_dir]).added == 1
    made = indexer.store._collection
    assert made.configuration["hnsw"]["ef_search"] == SEARCH_EF
    made.modify(configuration={"hnsw": {"ef_search": 100}})  # as an earlier version made it
    again = open_indexer(settings, HashEmbedder()).store
    assert again.count() == made.count()
    assert again._collection.configuration["hnsw"]["ef_search"] == SEARCH_EF
    assert connect(store_location(settings)).get_collection(settings.collection).configuration["hnsw"][
        "ef_search"
    ] == SEARCH_EF  # kept with the collection, for every process that shares it
