"""Checks that an index is consistent: the manifest and the store describe the same chunks."""

from __future__ import annotations

from index.chunking import chunk_id
from index.indexer import Indexer


def stored_ids(indexer: Indexer) -> set[str]:
    return set(indexer.store.ids())


def expected_ids(indexer: Indexer) -> set[str]:
    return {chunk_id(e.id, p) for e in indexer.manifest.entries().values() for p in range(e.chunks)}


def assert_consistent(indexer: Indexer) -> None:
    """Every chunk the manifest promises is stored, nothing else is, and there is nothing to repair."""
    assert stored_ids(indexer) == expected_ids(indexer)
    assert indexer.reconcile() == 0
