"""Stories for the articles of an index made by an earlier version, which has none.

Their stories are made as indexing makes them (``index.stories``), from what
the index kept of each article: its chunks, which hold its text at their
offsets, and its sentences' vectors. Articles are placed oldest first, as a
feed would have brought them, a batch of them per read of the store.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

import numpy as np

from index.articles import Article
from index.manifest import Entry
from index.records import Records
from index.store import ChunkStore, Hit

# Articles whose chunks are read from the store at once.
BATCH = 200

log = logging.getLogger(__name__)


def mend_stories(manifest: Records, store: ChunkStore, entries: Mapping[str, Entry] | None = None) -> int:
    """Place every recorded article that has its sentences' vectors but no story yet; the number placed.

    ``entries`` are the manifest's rows, if the caller has just read them
    (they are read only when some article is to be placed). Articles without
    kept vectors (indexed by an even earlier version) are embedded again by
    the next indexing run, which places them then.
    """
    unplaced = manifest.with_sentences() - manifest.memberships().keys()
    if not unplaced:
        return 0
    entries = manifest.entries() if entries is None else entries
    missing = [entries[a] for a in unplaced if a in entries]
    if not missing:
        return 0
    log.info("placing %d articles indexed by an earlier version in stories", len(missing))
    missing.sort(key=lambda e: (e.published_at is None, e.published_at or date.min, e.id))
    done = 0
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        hits = {h.id: h for h in store.get([c for e in batch for c in e.chunk_ids])}
        for entry in batch:
            chunks = [hits[c] for c in entry.chunk_ids if c in hits]
            kept = manifest.sentence_vectors({entry.id: entry.content_hash})
            if len(chunks) < entry.chunks or not kept:
                continue  # left to the reconcile, which forgets an article whose chunks are missing
            spans = sorted((s, e) for _, s, e in kept)
            vectors = np.stack([kept[(entry.id, s, e)] for s, e in spans])
            manifest.place(_article(entry, chunks), spans, vectors)
            done += 1
    return done


def _article(entry: Entry, chunks: list[Hit]) -> Article:
    """The article as the manifest and its chunks hold it: its text rebuilt at the chunks' offsets."""
    size = max(int(h.metadata.get("end", 0)) for h in chunks)
    text = [" "] * size
    for hit in chunks:
        at = int(hit.metadata.get("start", 0))
        text[at : at + len(hit.text)] = hit.text
    return Article(entry.id, entry.title, "".join(text), entry.published_at, entry.source, entry.url, entry.origin,
                   content_hash=entry.content_hash)  # fmt: skip
