"""Checks that an index is consistent: the manifest, its keyword rows and the store describe the same chunks."""

from __future__ import annotations

import sqlite3

from index.chunking import Chunk, chunk_id, citable_spans
from index.indexer import Indexer
from index.keyword import document, tokenize
from index.pg import PostgresManifest
from index.pg.keyword import stems_of
from index.store import Hit


def stored_ids(indexer: Indexer) -> set[str]:
    return set(indexer.store.ids())


def expected_ids(indexer: Indexer) -> set[str]:
    return {chunk_id(e.id, p) for e in indexer.manifest.entries().values() for p in range(e.chunks)}


def assert_consistent(indexer: Indexer) -> None:
    """Every chunk the manifest promises is stored, nothing else is, and there is nothing to repair.

    Each article's citable sentences have their vectors, of its current
    content; each of its chunks has one keyword row, of its stored title and
    text, there is no other, and the index is marked complete.
    """
    assert stored_ids(indexer) == expected_ids(indexer)
    assert not indexer.reconcile()
    entries = indexer.manifest.entries()
    kept = indexer.manifest.sentence_vectors({e.id: e.content_hash for e in entries.values()})
    expected, stems = set(), {}
    for entry in entries.values():
        hits = indexer.store.get([chunk_id(entry.id, p) for p in range(entry.chunks)])
        chunks = [_chunk(entry.id, h) for h in hits]
        expected |= {(entry.id, s, e) for s, e in _citable(chunks)}
        texts = [document(entry.title, h.text) for h in hits]
        stems |= {h.id: " ".join(words) for h, words in zip(hits, tokenize(texts))}
    assert set(kept) == expected
    assert keyword_rows(indexer) == stems
    assert indexer.manifest.keywords_complete


def keyword_rows(indexer: Indexer) -> dict[str, str]:
    """The manifest's keyword rows, read directly: each chunk id with its stems (a repeated chunk fails)."""
    if isinstance(indexer.manifest, PostgresManifest):
        found = indexer.manifest._query("SELECT article_id, position, stems::text FROM chunks")
        rows = [(article, position, stems_of(literal)) for article, position, literal in found]
    else:
        db = sqlite3.connect(indexer.manifest.location)
        try:
            rows = db.execute("SELECT article_id, position, stems FROM keyword_rows").fetchall()
        finally:
            db.close()
    found = {chunk_id(article, position): words for article, position, words in rows}
    assert len(found) == len(rows)
    return found


def _citable(chunks: list[Chunk]) -> set[tuple[int, int]]:
    return {(c.start + s, c.start + e) for c in chunks for s, e in citable_spans(c.text)}


def _chunk(article_id: str, hit: Hit) -> Chunk:
    meta = hit.metadata
    position, paragraph, start, end = (int(meta[k]) for k in ("position", "paragraph", "start", "end"))
    return Chunk(article_id, position, paragraph, start, end, hit.text)
