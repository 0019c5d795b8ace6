"""Repairing an index: what a check finds, mended under the writer lock as an indexing run would.

The indexer's reconcile removes orphan chunks and forgets the articles whose
chunks are missing or hold other content, and writes again the keyword rows
that chunks lack (removing those of no chunk); the dropped articles are then
indexed again from their sources. A collection
built with another model is embedded again from every article's source, but
only when every one of them can still be read: otherwise nothing is changed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.errors import NewsqaError
from index.indexer import Indexer, Progress
from index.read.files import Failure
from index.report import IndexReport
from index.store import REBUILD_HINT
from index.wording import counted


@dataclass
class Repair:
    """What a repair did; ``report`` is that of indexing the dropped articles again."""

    orphans: int = 0  # chunks removed
    dropped: int = 0  # articles forgotten for damaged chunks
    restored: int = 0  # of those, indexed again from their sources
    re_embedded: bool = False  # the collection was built with another model
    keyword_rows: int = 0  # keyword rows written again or removed
    lock_record_removed: bool = False  # left by a run that was killed
    report: IndexReport = field(default_factory=IndexReport)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        parts = []
        if self.re_embedded:
            parts.append(f"{counted(self.report.added, 'article')} embedded again with the configured model")
        if self.orphans:
            parts.append(f"{counted(self.orphans, 'orphan chunk')} removed")
        if self.dropped:
            parts.append(f"{counted(self.dropped, 'damaged article')} dropped, {self.restored} indexed again")
        if self.keyword_rows:
            parts.append(f"{counted(self.keyword_rows, 'keyword row')} mended")
        if self.lock_record_removed:
            parts.append("the writer lock's record of a killed run removed")
        return f"Repaired: {', '.join(parts) or 'nothing needed it'}; {len(self.report.failed)} failed."


def repair(indexer: Indexer, progress: Progress | None = None) -> Repair:
    """Mend the index ``indexer`` writes; IndexBusyError when another run holds the writer lock."""
    left = indexer.lock.holder()
    with indexer.lock.hold():
        built = indexer.store.built_with
        if built is not None and built[0] != indexer.store.model:
            done = _embed_again(indexer, built[0], progress)
        else:
            done = _mend(indexer, progress)
        done.lock_record_removed = left is not None  # the lock was free: its holder was killed
        return done


def _mend(indexer: Indexer, progress: Progress | None) -> Repair:
    entries = indexer.manifest.entries()
    damage = indexer.reconcile()
    dropped = [entries[article_id] for article_id in sorted(damage.broken)]
    done = Repair(orphans=len(damage.orphans), dropped=len(dropped), keyword_rows=len(damage.keywords))
    if not dropped:
        return done
    indexer.sync(indexer.load(sorted({e.origin for e in dropped}), done.report, progress), done.report, progress)
    now = indexer.manifest.entries()
    for entry in dropped:
        if entry.id in now:
            done.restored += 1
        else:
            why = f"{entry.title!r} was dropped (chunks missing or of other content), and its source no longer gives it"
            done.report.failed.append(Failure(entry.origin, why))
    return done


def _embed_again(indexer: Indexer, built_with: str | None, progress: Progress | None) -> Repair:
    """Rebuild the collection with the configured model from the articles' sources, all or nothing."""
    entries = indexer.manifest.entries()
    done = Repair(re_embedded=True)
    batch = indexer.load(sorted({e.origin for e in entries.values()}), done.report, progress)
    read = {a.id for a in batch.articles}
    unread = [e for e in entries.values() if e.id not in read]
    if unread:
        first = unread[0]
        raise NewsqaError(
            f"cannot embed the index again with {indexer.store.model}: {len(unread)} of its {len(entries)} articles "
            f"cannot be read from their sources now (first: {first.title!r} from {first.origin}), so nothing was "
            f"changed; set NEWSQA_EMBEDDING_MODEL back to {built_with or 'the model it was built with'}, "
            f"or rebuild it with: {REBUILD_HINT}"
        )
    indexer.store.reset()
    indexer.manifest.clear()
    indexer.sync(batch, done.report, progress)
    return done
