"""The service both front ends use: ask, timelines, sources, stats, indexing and evaluation.

Everything here is synchronous and may be slow (it embeds text); the Discord
adapter calls it off its event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path

from bot.app.follows import Follow, Follows
from bot.app.follows_db import open_follows
from bot.app.history import History, open_history
from bot.app.settings import Settings
from bot.app.wiring import (
    SourceRow,
    Stats,
    StoryRow,
    list_sources,
    list_stories,
    open_indexer,
    open_retriever,
    stats_of,
)
from bot.core.answer import Answer, Writer, answer
from bot.core.evaluate import QuestionResult, evaluate
from bot.core.llm import chat_model, make_writer
from bot.core.new import NewStory, whats_new
from bot.core.timeline import Event, timeline
from index import SAMPLES_DIR
from index.embed.base import Embedder
from index.errors import NewsqaError
from index.filters import Filter
from index.indexer import Progress
from index.read.http import is_url
from index.read.sources import Source, plain_sources, read_sources
from index.report import IndexReport

__all__ = ["Service", "Source", "configured_sources", "writer_from_settings"]


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


def writer_from_settings(settings: Settings) -> Writer | None:
    """The configured language model's writer, or None when ``LLM_PROVIDER`` is unset."""
    if not settings.llm_provider:
        return None
    return make_writer(
        chat_model(settings.llm_provider, settings.llm_model, settings.llm_base_url, settings.llm_api_key)
    )


class Service:
    """One open index (its store, manifest and model), its writer of answers and its history."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        writer: Writer | None = None,
        *,
        rebuild: bool = False,
    ) -> None:
        self.settings = settings
        self.indexer = open_indexer(settings, embedder, rebuild=rebuild)
        self.indexer.complete_keywords()  # an index made by an earlier version: before its first question
        self.retriever = open_retriever(settings, self.indexer)
        self.writer = writer if writer is not None else writer_from_settings(settings)

    @cached_property
    def history(self) -> History:
        """Answers sent and votes on them (opened when first needed: only the bot records them)."""
        return open_history(self.settings)

    @cached_property
    def follows(self) -> Follows:
        """Topics followed in Discord channels and the stories posted to them (opened when first needed)."""
        return open_follows(self.settings)

    def is_empty(self) -> bool:
        """No article to answer from, and nothing that indexing the samples could remove.

        In a local store, chunks without a manifest row were left by an
        interrupted run: they are never cited, and the next run removes them.
        On a server they may be kept by another data folder, so any chunk there
        counts.
        """
        if self.indexer.manifest.totals()[0]:
            return False
        return self.indexer.store.location.host is None or not self.indexer.store.count()

    def fill_if_empty(self, announce: Callable[[str], None] = lambda line: None) -> IndexReport | None:
        """Index the configured sources (or the bundled samples) into an empty index, so a first question works.

        ``announce`` is told what is being indexed, what failed and what was
        indexed with a warning. None if the index was not empty; an error if
        nothing could be indexed.
        """
        if not self.is_empty():
            return None
        sources = [s.location for s in configured_sources(self.settings)]
        named = f"the bundled sample articles in {SAMPLES_DIR}" if sources == [SAMPLES_DIR] else "the configured sources"
        left = self.indexer.store.count()  # chunks no manifest row lists: the run below removes them
        removed = f" (its manifest lists no article; the {left} chunks stored without one are removed)" if left else ""
        announce(f"The index is empty{removed}: indexing {named} first.")
        report = self.indexer.index_paths(sources)
        for line in report.problems():
            announce(line)
        if self.is_empty():
            raise NewsqaError("nothing could be indexed, so there is nothing to answer from; see the failures above")
        return report

    def ask(
        self, question: str, context: str | None = None, where: Filter | None = None, today: date | None = None
    ) -> Answer:
        return answer(question, self.retriever, self.writer, context=context, where=where, today=today)

    def timeline(self, topic: str, where: Filter | None = None) -> list[Event]:
        return timeline(self.retriever, topic, where)

    def new(self, topic: str, since: date, where: Filter | None = None) -> list[NewStory]:
        """The stories about ``topic`` published on or after ``since``, newest first."""
        return whats_new(self.retriever, topic, since, where)

    def due(self, follow: Follow) -> list[NewStory]:
        """What ``follow`` would post now: the new stories about its topic not yet posted to its channel, newest first."""
        posted = self.follows.posted_in(follow.channel_id)
        return [s for s in self.new(follow.topic, follow.since) if s.story_id not in posted]

    def sources(self, query: str | None = None) -> list[SourceRow]:
        """Indexed articles, newest first; with ``query``, those whose title, source or address contain it."""
        rows = list_sources(self.indexer.manifest)
        if query:
            needle = query.casefold()
            rows = [r for r in rows if any(needle in x.casefold() for x in (r.title, r.source, r.url))]
        return rows

    def stories(self) -> list[StoryRow]:
        """The indexed stories (articles reporting the same news), the most recently reported first."""
        return list_stories(self.retriever)

    def stats(self) -> Stats:
        return stats_of(self.indexer)

    def index(self, locations: list[str], *, prune: bool = False, progress: Progress | None = None) -> IndexReport:
        """Index files, folders, feeds and pages named by ``locations`` (addresses or paths)."""
        paths: list[Path | str] = [x if is_url(x) else Path(x) for x in locations]
        return self.indexer.index_paths(paths, prune=prune, progress=progress)

    def reindex(self, progress: Progress | None = None, sources: list[Source] | None = None) -> IndexReport:
        """Re-index ``sources``, by default all the configured ones (never a path from a user).

        A separate indexer, with its own manifest connection, so that questions
        answered meanwhile read only committed articles.
        """
        sources = configured_sources(self.settings) if sources is None else sources
        indexer = open_indexer(self.settings, self.indexer.embedder)
        try:
            return indexer.index_paths([s.location for s in sources], progress=progress)
        finally:
            indexer.manifest.close()

    def evaluate(
        self, questions: list[dict], unanswerable: list[dict], progress: Progress | None = None
    ) -> tuple[dict, list[QuestionResult]]:
        """Ask every eval question through the same code as :meth:`ask`; the metrics and each result."""
        return evaluate(self.retriever, questions, unanswerable, progress)
