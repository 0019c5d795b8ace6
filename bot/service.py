"""The answering service that front ends share: ask, list sources, stats, re-index.

Everything here is synchronous and may be slow (it embeds text); the Discord
adapter calls it off its event loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer import Answer, Writer, answer
from bot.app import Index, Stats, open_index, open_indexer
from bot.history import History
from bot.llm import writer_from_settings
from bot.news import Event, timeline
from bot.settings import Settings
from index import SAMPLES_DIR
from index.embed.base import Embedder
from index.filters import Filter
from index.indexer import Progress
from index.manifest import Manifest
from index.read.sources import Source, plain_sources, read_sources
from index.report import IndexReport


@dataclass(frozen=True)
class SourceRow:
    """An indexed article as listed by ``sources``."""

    id: str
    title: str
    published_at: str | None
    source: str
    url: str
    chunks: int

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def configured_sources(settings: Settings) -> list[Source]:
    """What a plain re-index covers: the sources file and NEWSQA_SOURCES, else the bundled samples.

    The sources file is read when it exists, or when NEWSQA_SOURCES_FILE names
    it (then a missing file is an error).
    """
    listed: list[Source] = []
    if settings.sources_file.is_file() or "sources_file" in settings.model_fields_set:
        listed += read_sources(settings.sources_file, settings.refresh)
    listed += plain_sources(settings.sources, settings.refresh)
    return listed or [Source(SAMPLES_DIR, settings.refresh)]


class Service:
    """One open index, its writer and its history, for a long-running front end."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        writer: Writer | None = None,
        opened: Index | None = None,
    ) -> None:
        self.settings = settings
        self.index = opened or open_index(settings, embedder)
        self.writer = writer if writer is not None else writer_from_settings(settings)
        self.history = History(settings.history_path)

    def prepare(self) -> IndexReport | None:
        """Index the configured sources into an empty index; None if it was not empty."""
        return self.index.ensure_indexed([s.location for s in configured_sources(self.settings)])

    def ask(self, question: str, context: str | None = None, where: Filter | None = None) -> Answer:
        return answer(question, self.index.retriever, self.writer, context=context, where=where)

    def timeline(self, topic: str, where: Filter | None = None) -> list[Event]:
        return timeline(self.index.retriever, topic, where)

    def sources(self, query: str | None = None) -> list[SourceRow]:
        """Indexed articles, newest first; with ``query``, those whose title, source or address contain it."""
        rows = list_sources(self.index.indexer.manifest)
        if query:
            needle = query.casefold()
            rows = [r for r in rows if any(needle in x.casefold() for x in (r.title, r.source, r.url))]
        return rows

    def stats(self) -> Stats:
        indexer = self.index.indexer
        articles, chunks = indexer.manifest.totals()
        store = indexer.store
        return Stats(articles, chunks, store.count(), store.model, str(store.location), str(indexer.manifest.path))

    def reindex(self, progress: Progress | None = None, sources: list[Source] | None = None) -> IndexReport:
        """Re-index ``sources``, by default all the configured ones (never a path from a user).

        A separate indexer, with its own manifest connection, so that questions
        answered meanwhile read only committed articles.
        """
        sources = configured_sources(self.settings) if sources is None else sources
        indexer = open_indexer(self.settings, self.index.indexer.embedder)
        try:
            return indexer.index_paths([s.location for s in sources], progress=progress)
        finally:
            indexer.manifest.close()


def list_sources(manifest: Manifest) -> list[SourceRow]:
    """Every indexed article, newest first."""
    return [
        SourceRow(
            id=e.id,
            title=e.title,
            published_at=e.published_at.isoformat() if e.published_at else None,
            source=e.source,
            url=e.url or e.origin,
            chunks=e.chunks,
        )
        for e in manifest.entries().values()
    ]
