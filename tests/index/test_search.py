"""Passage search: hybrid, filtered, committed articles only."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_indexer, store_location
from index.filters import Filter, source_matches
from index.store import SEARCH_EF, ChunkStore, connect
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


def test_a_date_and_source_filter_admits_exactly_the_articles_it_names(slice_index: Service) -> None:
    """Looked up by day in order, the scope holds each article of the range (both ends included) from
    the sources named, and no undated one."""
    retriever = slice_index.retriever
    entries = retriever.entries()
    days = sorted({e.published_at for e in entries.values() if e.published_at})
    source = next(e.source for e in entries.values() if e.published_at == days[len(days) // 2])
    for where in (
        Filter(since=days[1], until=days[-2]),
        Filter(since=days[len(days) // 2]),
        Filter(until=days[len(days) // 2]),
        Filter(sources=(source,), since=days[0], until=days[len(days) // 2]),
        Filter(sources=(source,)),
    ):
        expected = {a for a, e in entries.items() if _admitted(where, e.source, e.published_at)}
        sources, admitted = retriever._scope(where)
        assert admitted == expected and 0 < len(admitted) < len(entries)
        assert sources >= {entries[a].source for a in admitted}
    assert retriever._scope(Filter(since=days[-1] + timedelta(days=1))) is None  # after the newest article


def _admitted(where: Filter, source: str, day: date | None) -> bool:
    """The filter's rule, article by article."""
    if where.sources and not source_matches(where.sources[0], source):
        return False
    if where.since is None and where.until is None:
        return True
    return day is not None and (where.since or day) <= day <= (where.until or day)


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


class ReadOnly:
    """A Chroma client (or collection) that may read but not change a collection's settings, as a read-only
    server refuses them."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def get_collection(self, name: str) -> ReadOnly:
        return ReadOnly(self._real.get_collection(name))

    def modify(self, **changes: Any) -> None:
        raise PermissionError("this server is read-only")


def test_a_collection_whose_settings_cannot_be_raised_is_searched_all_the_same(
    settings: Settings, articles_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    indexer = open_indexer(settings, HashEmbedder())
    assert indexer.index_paths([articles_dir]).added == 1
    indexer.store._collection.modify(configuration={"hnsw": {"ef_search": 100}})  # as an earlier version made it
    (embedding,) = HashEmbedder().embed(["death toll"])
    client = ReadOnly(connect(store_location(settings)))
    with caplog.at_level(logging.WARNING, logger="index.store"):
        store = ChunkStore(client, settings.collection, HashEmbedder().name)  # type: ignore[arg-type]
    assert "searches with its old ef_search" in caplog.text and "read-only" in caplog.text
    assert len(store.query(embedding, 1)) == 1
