"""Moving an index's records from the embedded SQLite database into PostgreSQL, embedding nothing again.

The vectors stay where they are, in the Chroma store; what moves is what the
SQLite manifest holds beside them: the articles' rows, their sentence vectors,
their keyword rows (written again from the chunks' texts, read from the store)
and their story rows, copied as they are. The re-used chunks are checked first
by the index check (``index.health``: every row's chunks in the store, with
the row's content hash, keyword rows complete, no killed run), and each
article's again as it is copied, under both writer locks.

Each article is committed on its own, its row last, as an indexing run does:
a move killed midway leaves the target holding some of the articles, whole,
and running it again copies the rest. Until a move ends, the target is marked
as being moved into, and refused to everything else: an indexing run there
would take the chunks of the articles not yet moved for orphans, and remove
them. Once it ends, the source is marked as moved, and refused to writers
(``SqliteRecords.open``) for the same reason: it shares the store with the
target. A target holding anything else (an article the source lacks, or another
version of one) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from index.errors import NewsqaError
from index.health import check
from index.manifest import Entry, Manifest, Spans
from index.pg import PostgresManifest, PostgresRecords
from index.records import SqliteRecords
from index.store import ChunkStore
from index.wording import counted

# Chunks read back from the store at a time. Moving 2,000 articles (33,760 chunks, embedded Chroma, local
# PostgreSQL, two cores): 13.2 s so, 17.5 s with a read per article.
BATCH_CHUNKS = 2000
Progress = Callable[[str, int, int], None]
_NONE: tuple[Spans, np.ndarray] = ([], np.zeros((0, 0), dtype=np.float32))  # kept sentences, of an article with none


@dataclass(frozen=True)
class Moved:
    """What a move copied: articles and chunks, those found already copied by an interrupted move, and where."""

    articles: int
    chunks: int
    already: int
    target: str

    def summary(self) -> str:
        """The outcome in one line; the target's address without its password."""
        if not self.articles and self.already:
            return f"{self.target} holds all {self.already} articles of this index already; nothing was embedded again."
        there = f" ({counted(self.already, 'article')} were there already)" if self.already else ""
        return (
            f"Moved {counted(self.articles, 'article')} ({counted(self.chunks, 'chunk')}) to {self.target}{there};"
            " nothing was embedded again."
        )


def move(source: SqliteRecords, store: ChunkStore, target: PostgresRecords, progress: Progress | None = None) -> Moved:
    """Copy the records of ``source`` (describing the chunks in ``store``) into ``target``, under both writer locks.

    NewsqaError (one line) when the source is damaged or being written, or
    the target holds what the source does not.
    """
    if source.moved_path.is_file():  # its chunks may since belong to articles indexed there: no check applies here
        where = source.moved_path.read_text(encoding="utf-8").strip()
        raise NewsqaError(
            f"the index in {source.manifest_path.parent} was already moved to {where}: nothing to move again; set "
            "NEWSQA_DATABASE_URL to that address to use it"
        )
    health = check(source, store, model=store.model)
    if not health.created:
        raise NewsqaError(f"there is no index at {source.location} to move: nothing was ever indexed there")
    if not health.ok:
        raise NewsqaError(f"refusing to move an index that is not consistent: {health.summary()}")
    opened = target.open(moving=True)  # first: the writer lock keeps its holder's row in one of the tables this makes
    try:
        with source.lock.hold(), target.lock.hold():
            manifest = source.reader()
            if manifest is None:  # removed since the check
                raise NewsqaError(f"there is no index at {source.location} to move: its manifest is gone")
            try:
                moved = _copy(manifest, store, opened, progress)
            finally:
                manifest.close()
            source.mark_moved(opened.location)  # writers here would remove what is indexed there from now
            opened.mark_moving(False)
            return moved
    finally:
        opened.close()


def _copy(manifest: Manifest, store: ChunkStore, target: PostgresManifest, progress: Progress | None) -> Moved:
    entries = manifest.entries()
    held = _held(target, entries)
    todo = [e for e in entries.values() if e.id not in held]
    target.mark_moving(True)  # until the last article is moved, nothing else may use (and mend) the target
    with_sentences = manifest.with_sentences()
    done = chunks = 0
    for batch in _batches(todo):
        texts = _texts(store, batch)
        sentences = _sentences(manifest.sentence_vectors({e.id: e.content_hash for e in batch}))
        for entry in batch:
            kept = sentences.get(entry.id, _NONE) if entry.id in with_sentences else None
            target.adopt(entry, texts[entry.id], kept, manifest.placed(entry.id))
            done, chunks = done + 1, chunks + entry.chunks
        if progress:
            progress("moving", done, len(todo))
    target.mark_consistent(True)  # the store holds just what the rows promise: the check said so
    return Moved(done, chunks, len(held), target.location)


def _held(target: PostgresManifest, entries: Mapping[str, Entry]) -> set[str]:
    """The articles an interrupted move has copied already; NewsqaError when the target holds any other."""
    held = target.entries()
    other = [e for e in held.values() if e.id not in entries or entries[e.id].content_hash != e.content_hash]
    if other:
        raise NewsqaError(
            f"the database at {target.location} already holds {counted(len(other), 'article')} that this index "
            f"does not (first: {other[0].title!r}): move it into an empty database or schema"
        )
    return set(held)


def _batches(entries: list[Entry]) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += entry.chunks
        if size >= BATCH_CHUNKS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _texts(store: ChunkStore, entries: list[Entry]) -> dict[str, list[str]]:
    """Each article's chunk texts from the store, checked again by count and content hash (under the lock now)."""
    hits = {h.id: h for h in store.get([c for e in entries for c in e.chunk_ids])}
    texts = {}
    for entry in entries:
        found = [hits[c] for c in entry.chunk_ids if c in hits]
        if len(found) != entry.chunks or any(h.metadata.get("content_hash") != entry.content_hash for h in found):
            raise NewsqaError(
                f"the chunks of {entry.title!r} ({entry.id}) changed in the store while the index was moved: "
                "run `newsqa check --repair`, then move it again"
            )
        texts[entry.id] = [h.text for h in found]
    return texts


def _sentences(vectors: Mapping[tuple[str, int, int], np.ndarray]) -> dict[str, tuple[Spans, np.ndarray]]:
    """Each article's citable spans and their vectors, as the manifest keeps them (float16 both ways: exact)."""
    spans: dict[str, Spans] = {}
    rows: dict[str, list[np.ndarray]] = {}
    for (article_id, start, end), vector in vectors.items():
        spans.setdefault(article_id, []).append((start, end))
        rows.setdefault(article_id, []).append(vector)
    return {a: (spans[a], np.stack(rows[a])) for a in spans}
