"""Checks that an index is consistent: the manifest and the store describe the same chunks."""

from __future__ import annotations

from index.chunking import Chunk, chunk_id, citable_spans
from index.indexer import Indexer
from index.store import Hit


def stored_ids(indexer: Indexer) -> set[str]:
    return set(indexer.store.ids())


def expected_ids(indexer: Indexer) -> set[str]:
    return {chunk_id(e.id, p) for e in indexer.manifest.entries().values() for p in range(e.chunks)}


def assert_consistent(indexer: Indexer) -> None:
    """Every chunk the manifest promises is stored, nothing else is, and there is nothing to repair.

    Each article's citable sentences have their vectors, of its current content.
    """
    assert stored_ids(indexer) == expected_ids(indexer)
    assert not indexer.reconcile()
    entries = indexer.manifest.entries()
    kept = indexer.manifest.sentence_vectors({e.id: e.content_hash for e in entries.values()})
    expected = set()
    for entry in entries.values():
        chunks = [_chunk(entry.id, h) for h in indexer.store.get([chunk_id(entry.id, p) for p in range(entry.chunks)])]
        expected |= {(entry.id, s, e) for s, e in _citable(chunks)}
    assert set(kept) == expected


def _citable(chunks: list[Chunk]) -> set[tuple[int, int]]:
    return {(c.start + s, c.start + e) for c in chunks for s, e in citable_spans(c.text)}


def _chunk(article_id: str, hit: Hit) -> Chunk:
    meta = hit.metadata
    position, paragraph, start, end = (int(meta[k]) for k in ("position", "paragraph", "start", "end"))
    return Chunk(article_id, position, paragraph, start, end, hit.text)
