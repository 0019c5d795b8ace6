"""Incremental indexing: files in, chunks embedded into the store, manifest kept in step.

Only new and changed articles are embedded, a batch of them at a time, and
written in an order that survives a crash at any point: the batch's chunks
first (stable ids, so a repeat overwrites), then for each article the removal
of chunks it no longer has and its manifest row (with its keyword rows). A run
starts by reconciling store and manifest, which removes whatever an interrupted
run left half done.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from index.articles import Article
from index.batch import Batch, dedupe, keep_fuller
from index.chunking import Chunk, chunk_id, metadata
from index.embed.base import Embedder
from index.errors import IndexBusyError, LoadError
from index.health import Damage, find_damage
from index.keyword import KeywordDamage
from index.manifest import Entry
from index.mend_stories import mend_stories
from index.read.feeds import load_url
from index.read.files import DEFAULT_MAX_BYTES, Failure, Loaded, discover, iter_loaded
from index.read.http import Fetcher, FetchOptions, is_url
from index.records import Records, WriterLock
from index.report import IndexReport
from index.store import ChunkStore
from index.vectors import passages, plan

# Chunks embedded per model call: large enough to keep the model busy, small
# enough that progress moves and memory stays flat.
EMBED_BATCH = 256
# Chunks read back from the store per transaction when their keyword rows are written again.
KEYWORD_BATCH = 2000

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class Indexer:
    """Keeps a chunk store and its manifest in step with a set of articles, one run at a time under ``lock``."""

    def __init__(
        self,
        store: ChunkStore,
        manifest: Records,
        embedder: Embedder,
        *,
        lock: WriterLock,
        legacy_keywords: Path | None = None,
        max_file_bytes: int = DEFAULT_MAX_BYTES,
        fetch: FetchOptions | None = None,
    ) -> None:
        self.store = store
        self.manifest = manifest
        self.embedder = embedder
        self.lock = lock
        self.legacy_keywords = legacy_keywords  # where an earlier version saved its keyword index
        self._max_bytes = max_file_bytes
        self.fetch = fetch or FetchOptions(max_bytes=max_file_bytes)

    def index_paths(
        self, paths: Iterable[Path | str], *, prune: bool = False, progress: Progress | None = None
    ) -> IndexReport:
        """Index article files, folders, feed and page addresses.

        With ``prune``, drop articles whose files are gone, or that a file or
        feed read without errors no longer holds. A source that fails keeps
        what it had indexed.
        """
        with self.lock.hold():
            if not self.manifest.keywords_complete:  # before reading sources: questions wait for it
                self.mend_keywords()
            report = IndexReport()
            batch = self.load(list(paths), report, progress)
            self.sync(batch, report, progress, prune=prune)
            return report

    def load(self, locations: list[Path | str], report: IndexReport, progress: Progress | None) -> Batch:
        """What reading ``locations`` gave, to index; failures and warnings go to ``report``."""
        batch = Batch()
        for origin, loaded in self._read(locations, report, progress):
            report.failed.extend(loaded.failures)
            report.warnings.extend(loaded.warnings)
            batch.articles.extend(loaded.articles)
            batch.from_summary.update(loaded.from_summary)
            if not loaded.failures:
                batch.clean_origins.add(origin)
        return batch

    def _read(
        self, locations: list[Path | str], report: IndexReport, progress: Progress | None
    ) -> Iterator[tuple[str, Loaded]]:
        """Each source's origin and what reading it gave, files first, then web addresses."""
        urls = [str(x) for x in locations if is_url(x)]
        files, unreadable, passed_over = discover([Path(x) for x in locations if not is_url(x)])
        report.failed.extend(unreadable)
        report.passed_over = len(passed_over)
        total = len(files) + len(urls)
        for n, (path, loaded) in enumerate(iter_loaded(files, self._max_bytes), start=1):
            yield str(path.resolve()), loaded
            if progress:
                progress("reading", n, total)
        if not urls:
            return
        with Fetcher(self.fetch) as fetcher:
            for n, url in enumerate(urls, start=len(files) + 1):
                try:
                    yield url, load_url(url, fetcher)
                except LoadError as exc:
                    yield url, Loaded(failures=[Failure(url, str(exc))])
                if progress:
                    progress("reading", n, total)
            report.downloaded, report.not_modified = fetcher.downloaded, fetcher.not_modified

    def reconcile(self, *, full: bool = True, entries: dict[str, Entry] | None = None) -> Damage:
        """Remove chunks no manifest row accounts for, and articles whose chunks are missing or hold other content;
        then write the keyword rows that articles lack, and remove those of no article's chunk; then place the
        articles of an earlier version in stories.

        Returns what was found (nothing after a clean run). Rows are forgotten
        before their chunks are removed: a run killed in between leaves orphans,
        which the next one removes. Without ``full``, the store is taken to
        hold what the rows promise (the last run ended cleanly) and is not read,
        nor are the keyword rows (written with their article's row, in one
        transaction) unless an earlier version left them incomplete. ``entries``
        are the manifest's rows as just read, if the caller has them; articles
        forgotten here are taken out of it.
        """
        entries = self.manifest.entries() if entries is None else entries
        damage = find_damage(entries, self.store) if full else Damage(set(), [], {}, {})
        for article_id in sorted(damage.broken):
            self.manifest.forget(article_id)
        left = [c for a in sorted(damage.broken) for c in entries[a].chunk_ids if c in damage.stored]
        self.store.delete(damage.orphans + left)
        for article_id in damage.broken:
            del entries[article_id]
        if full or not self.manifest.keywords_complete:
            damage = replace(damage, keywords=self.mend_keywords())
        else:
            self._remove_legacy_keywords()  # a folder an earlier run could not remove
        mend_stories(self.manifest, self.store, entries)  # an index made by an earlier version has none
        return damage

    def complete_keywords(self) -> None:
        """Write the keyword rows of an index made by an earlier version now, unless an indexing run holds
        the writer lock: that run writes them before anything else."""
        if self.manifest.keywords_complete:
            return
        try:
            with self.lock.hold():
                self.mend_keywords()
        except IndexBusyError:
            log.info("an indexing run holds the writer lock: it writes the keyword rows first")

    def mend_keywords(self) -> KeywordDamage:
        """Write the keyword rows that articles lack from their stored chunks, remove those of no article's chunk,
        and mark the keyword index complete; under the writer lock. Returns what was found.

        An index made by an earlier version lacks them all: they are written a
        batch of articles per transaction, and the index is marked complete
        (readers wait for that) only after the last. An article whose chunks
        are not all stored is left to the reconcile, which forgets it.
        """
        found = self.manifest.keyword_damage()
        if found and not self.manifest.keywords_complete:
            log.info("writing the keyword rows of %d articles indexed by an earlier version", len(found.missing))
        entries = self.manifest.entries() if found.missing else {}
        extra, batch, size = list(found.extra), [], 0
        for article_id in sorted(found.missing):
            batch.append(entries[article_id])
            size += entries[article_id].chunks
            if size >= KEYWORD_BATCH:
                self._write_keywords(batch, extra)
                extra, batch, size = [], [], 0
        if batch or extra:
            self._write_keywords(batch, extra)
        if not self.manifest.keywords_complete:
            self.manifest.mark_keywords_complete()
        self._remove_legacy_keywords()
        return found

    def _remove_legacy_keywords(self) -> None:
        """Remove the keyword index an earlier version saved beside the manifest, once its rows are there."""
        if self.manifest.keywords_complete and self.legacy_keywords is not None and self.legacy_keywords.exists():
            shutil.rmtree(self.legacy_keywords, ignore_errors=True)
            log.info("removed %s: the keyword index is kept in the manifest now", self.legacy_keywords)

    def _write_keywords(self, entries: list[Entry], extra: list[str]) -> None:
        hits = {h.id: h for h in self.store.get([c for e in entries for c in e.chunk_ids])}
        rows = [
            (e.id, e.title, [hits[c].text for c in e.chunk_ids]) for e in entries if all(c in hits for c in e.chunk_ids)
        ]
        self.manifest.write_keywords(rows, extra)

    def sync(self, batch: Batch, report: IndexReport, progress: Progress | None, *, prune: bool = False) -> None:
        """Bring the index in step with ``batch``, pruning what its clean origins no longer hold; under the writer lock.

        The store is read in full to reconcile it with the rows only when the
        last run did not end cleanly, or the counts disagree: reading every
        chunk id of a large store costs more than indexing a few articles.
        """
        clean = self.manifest.consistent and self.store.count() == self.manifest.totals()[1]
        self.manifest.mark_consistent(False)  # before the store changes: a run killed from here leaves a full check
        entries = self.manifest.entries()  # read once: at 200,000 chunks each read costs 0.2 s (PostgreSQL)
        self.reconcile(full=not clean, entries=entries)
        articles = keep_fuller(batch.articles, batch.from_summary, entries, report)
        articles, renamed = dedupe(articles, entries, batch.clean_origins, report)
        for entry in renamed:
            self._forget(entry, entries, report)
        if prune:
            self._prune(entries, {a.id for a in articles}, batch.clean_origins, report)
        todo: list[Article] = []
        with_sentences = self.manifest.with_sentences()  # those without were indexed by an older version
        for article in articles:
            old = entries.get(article.id)
            if old is not None and old.content_hash == article.content_hash and article.id in with_sentences:
                report.unchanged += 1
            else:
                todo.append(article)
        self._embed_and_write(todo, entries, report, progress)
        self.manifest.mark_consistent(True)

    def _prune(self, entries: dict[str, Entry], seen: set[str], read_origins: set[str], report: IndexReport) -> None:
        for entry in list(entries.values()):
            origin = Path(entry.origin)
            gone = origin.is_absolute() and not origin.exists()
            dropped = entry.origin in read_origins and entry.id not in seen
            if gone or dropped:
                self._forget(entry, entries, report)

    def _forget(self, entry: Entry, entries: dict[str, Entry], report: IndexReport) -> None:
        self.store.delete(entry.chunk_ids)
        self.manifest.forget(entry.id)
        del entries[entry.id]
        report.removed += 1

    def _embed_and_write(
        self,
        todo: list[Article],
        entries: dict[str, Entry],
        report: IndexReport,
        progress: Progress | None,
    ) -> None:
        if not todo:
            return
        pending: list[tuple[Article, list[Chunk]]] = []
        done = 0
        for article in todo:
            chunks = passages(article, self.embedder)
            if not chunks:
                report.failed.append(Failure(article.origin, f"no sentences to index in {article.title!r}"))
                continue
            pending.append((article, chunks))
            if sum(len(c) for _, c in pending) >= EMBED_BATCH:
                done += self._flush(pending, entries, report)
                pending = []
                if progress:
                    progress("embedding", done, len(todo))
        done += self._flush(pending, entries, report)
        if progress:
            progress("embedding", done, len(todo))

    def _flush(self, pending: list[tuple[Article, list[Chunk]]], entries: dict[str, Entry], report: IndexReport) -> int:
        if not pending:
            return 0
        plans = [plan(article, chunks, self.embedder) for article, chunks in pending]
        vectors = self.embedder.embed([text for p in plans for text in p.texts])
        own_vectors = np.split(vectors, np.cumsum([len(p.texts) for p in plans])[:-1])
        # One write for all the articles' chunks (a write per article took 2.5 times as long),
        # and only then their manifest rows: an article counts once its chunks are all stored.
        self.store.upsert(
            [c.id for _, chunks in pending for c in chunks],
            np.concatenate([p.passage_vectors(mine) for p, mine in zip(plans, own_vectors)]),
            [c.text for _, chunks in pending for c in chunks],
            [metadata(article, c) for article, chunks in pending for c in chunks],
        )
        for (article, chunks), own, mine in zip(pending, plans, own_vectors):
            n = len(chunks)
            old = entries.get(article.id)
            if old is not None and old.chunks > n:
                self.store.delete([chunk_id(article.id, p) for p in range(n, old.chunks)])
            self.manifest.record(article, [c.text for c in chunks], own.citable, own.citable_vectors(mine))
            if old is None:
                report.added += 1
            else:
                report.updated += 1
            report.chunks += n
        return len(pending)
