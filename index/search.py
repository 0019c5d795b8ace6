"""Searching the index: hybrid passage search, and the sentences of the passages found.

Passages come from two searches fused by reciprocal rank: dense similarity
(Chroma) and BM25 keywords (the manifest's FTS5 table), so that both
paraphrases ("killed" for "deaths") and exact names and numbers are found. The
sentences of the best passages come with their vectors (kept since indexing),
so that the answer can rank them against the question without another model
call.

Everything here takes plain values (a topic, a query vector, a filter, a
recency boost); what a question means is read in ``bot.core``.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from index.chunking import article_of, citable_spans
from index.embed.base import Embedder
from index.errors import IndexNotReadyError
from index.filters import Filter
from index.manifest import Entry
from index.passages import Boost, Passage, Span
from index.records import Records
from index.store import ChunkStore, Hit
from index.stories import Membership

# Reciprocal rank fusion constant; 60 is the value of the original RRF paper
# and works without tuning across collections.
RRF_K = 60
# A keyword hit counts this much more than a dense one in the fusion: news
# questions name what they ask about. Dev set: 1.2 raised recall@1 0.390 ->
# 0.416 and mrr@10 0.456 -> 0.466, on both halves of the weeks, refusal 0.675
# -> 0.625; 1.4 and 1.6 gained no more, 2.0 lost refusal (0.575).
KEYWORD_WEIGHT = 1.2
# Hits taken from each search before fusion (dev set: 40 -> 80 raised recall@1
# 0.383 -> 0.390 and refusal 0.60 -> 0.675; 120 and 200 did no better).
CANDIDATES = 80
# With a filter admitting at most this many chunks, their vectors are compared
# with the question directly instead of a filtered Chroma search: on the dev
# set (18,357 chunks; "this week" admits 10 to 1,258) 22 ms against 60 ms.
EXACT_SEARCH_CHUNKS = 2000
# Sentences of articles indexed without their vectors are embedded when asked
# (about 7 ms a sentence on two CPU cores); short texts: small batches waste
# less on padding.
SENTENCE_BATCH = 16
SentenceKey = tuple[str, int, int]  # article id, start and end offsets in the article


class Retriever:
    """Searches one index; keeps its list of committed articles in step with the manifest.

    Only committed articles are found: a chunk counts when the manifest lists
    its article with the same content hash. The manifest row is written after
    an article's chunks, so an article being indexed meanwhile is invisible
    until it is complete; its keyword rows are written with the row.

    An index made by an earlier version has no keyword rows until an indexing
    run (or opening the index, when no run holds the writer lock) writes them;
    until then a search raises ``IndexNotReadyError`` rather than answer from
    the dense search alone.
    """

    def __init__(self, store: ChunkStore, manifest: Records, embedder: Embedder) -> None:
        self.store = store
        self.manifest = manifest
        self.embedder = embedder
        self._entries: dict[str, Entry] = {}
        self._stories: dict[str, Membership] = {}
        self._grouped: dict[str, list[Entry]] = {}  # read once per generation, not once per answer
        self._sources: set[str] = set()
        self._days: list[int] = []  # publication days of the dated articles, in order (for a date filter)
        self._dated: list[str] = []  # ...and their ids, in the same order
        self._generation = -1
        self._refreshing = threading.Lock()

    def _refresh(self) -> None:
        """Read the committed articles again if the manifest has changed since."""
        with self._refreshing:  # threads asking at once read them once
            generation = self.manifest.generation
            if generation == self._generation:
                return
            if not self.manifest.keywords_complete:
                raise IndexNotReadyError(
                    "the keyword index of this index, made by an earlier version, is not built yet: an indexing run "
                    "builds it first thing (`newsqa index`, or `newsqa check --repair`); ask again when it has"
                )
            self._entries, self._stories = self.manifest.entries(), self.manifest.memberships()
            self._grouped, self._sources = _by_story(self._entries, self._stories), {e.source for e in self._entries.values()}
            dated = sorted((e.published_at.toordinal(), a) for a, e in self._entries.items() if e.published_at)
            self._days, self._dated = [day for day, _ in dated], [a for _, a in dated]
            self._generation = generation

    def keyword_search(self, topic: str, k: int, articles: set[str] | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs for ``topic``, best first, from ``articles`` only if given."""
        self._refresh()
        return self.manifest.keyword_search(topic, k, articles)

    def _is_committed(self, hit: Hit) -> bool:
        entry = self._entries.get(str(hit.metadata.get("article_id")))
        return entry is not None and entry.content_hash == hit.metadata.get("content_hash")

    def entries(self) -> dict[str, Entry]:
        """The committed articles, as of the latest search."""
        self._refresh()
        return self._entries

    def sources(self) -> set[str]:
        """The sources of the committed articles, as of the latest search."""
        self._refresh()
        return self._sources

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors of ``texts``, from the index's own model."""
        return self.embedder.embed(texts)

    def search(
        self,
        topic: str,
        k: int = 10,
        where: Filter | None = None,
        *,
        query: np.ndarray | Callable[[], np.ndarray] | None = None,
        boost: Boost | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for ``topic``, best first, from the articles ``where`` admits.

        ``query`` is the topic's vector, or what makes it (called while the
        keyword search runs: neither waits for the other); the topic is
        embedded when it is not given. ``boost`` favours articles of some dates.
        """
        self._refresh()
        scope = self._scope(where) if where else None
        if where and scope is None:
            return []
        with ThreadPoolExecutor(max_workers=1) as pool:
            keywords = pool.submit(self.manifest.keyword_search, topic, CANDIDATES, scope and scope[1])
            query = self.embedder.embed([topic])[0] if query is None else query() if callable(query) else query
            dense = self._dense(query, where, scope)
            keyword = keywords.result()
        fused: dict[str, float] = {}
        for rank, (chunk, _) in enumerate(dense):
            fused[chunk] = fused.get(chunk, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, (chunk, _) in enumerate(keyword):
            fused[chunk] = fused.get(chunk, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank + 1)
        if boost is not None:
            for chunk in fused:
                entry = self._entries.get(article_of(chunk))
                if entry is not None and boost.covers(entry.published_at):
                    fused[chunk] *= boost.factor
        order = sorted(fused, key=fused.__getitem__, reverse=True)
        distances = dict(dense)
        ranked: list[Hit] = []
        # Read 2k at a time (room for chunks written but not committed, which are passed over), until k are found.
        for start in range(0, len(order), 2 * k):
            ranked += self._hits(order[start : start + 2 * k], query, distances)
            if len(ranked) >= k:
                break
        return [self._placed(Passage.from_hit(h, fused[h.id], 1.0 - h.distance)) for h in ranked[:k]]

    def _hits(self, best: list[str], query: np.ndarray, distances: dict[str, float]) -> list[Hit]:
        """The committed chunks of ``best``, in order, read from the store (texts and metadata only for these)
        with their ``distances`` from the dense search where it found them."""
        hits = self.store.get(best, None if all(i in distances for i in best) else query)
        return [replace(h, distance=distances.get(h.id, h.distance)) for h in hits if self._is_committed(h)]

    def _placed(self, passage: Passage) -> Passage:
        """``passage`` with its article's story (its own, for an article indexed by an earlier version)."""
        own = Membership(passage.article_id, passage.article_id)
        return replace(passage, story=self._stories.get(passage.article_id, own))

    def stories(self) -> dict[str, list[Entry]]:
        """The committed articles by story, each story's newest first, the newest stories first."""
        self._refresh()
        return self._grouped

    def _scope(self, where: Filter) -> tuple[set[str], set[str]] | None:
        """The sources and articles ``where`` admits; None when it admits no article.

        A date range is looked up in the articles ordered by day, and each source is matched by name once:
        at 17,000 articles, matching every article took 48 ms a question."""
        sources = {s for s in self._sources if where.admits_source(s)}
        if not sources:
            return None
        if where.since is None and where.until is None:
            within = self._entries.keys()
        else:
            low = bisect_left(self._days, where.since.toordinal()) if where.since else 0
            high = bisect_right(self._days, where.until.toordinal()) if where.until else len(self._days)
            within = self._dated[low:high]
        admitted = {a for a in within if self._entries[a].source in sources}
        return (sources, admitted) if admitted else None

    def _dense(
        self, query: np.ndarray, where: Filter | None, scope: tuple[set[str], set[str]] | None
    ) -> list[tuple[str, float]]:
        """The dense search's (chunk id, distance) pairs, among the articles ``where`` admits (``scope``)."""
        if where is None or scope is None:
            return self.store.closest(query, CANDIDATES)
        sources, admitted = scope
        chunks = [chunk for a in admitted for chunk in self._entries[a].chunk_ids]
        if len(chunks) <= EXACT_SEARCH_CHUNKS:
            return self.store.nearest(chunks, query, CANDIDATES)
        return self.store.closest(query, CANDIDATES, where=where.chroma(sources))

    def sentences(self, passages: list[Passage]) -> tuple[list[Span], np.ndarray]:
        """Every citable span of ``passages`` once, in passage order, and their vectors (one row each)."""
        kept = self.manifest.sentence_vectors({p.article_id: p.content_hash for p in passages})
        spans = _spans(passages, kept)
        vectors = np.empty((len(spans), self.embedder.dimension), dtype=np.float32)
        missing = []
        for i, span in enumerate(spans):
            key = (span.passage.article_id, span.start, span.end)
            if key in kept:
                vectors[i] = kept[key]
            else:
                missing.append(i)
        if missing:  # an article indexed by an older version, without its sentences' vectors
            vectors[missing] = self.embedder.embed([spans[i].text for i in missing], batch_size=SENTENCE_BATCH)
        return spans, vectors


def _spans(passages: list[Passage], kept: dict[SentenceKey, np.ndarray]) -> list[Span]:
    """Every citable span of the passages once.

    The spans are those kept with their vectors at indexing; the passages of
    articles indexed without them are split into sentences now.
    """
    by_article: dict[str, list[tuple[int, int]]] = {}
    for article_id, start, end in kept:
        by_article.setdefault(article_id, []).append((start, end))
    spans: list[Span] = []
    seen: set[SentenceKey] = set()
    for rank, passage in enumerate(passages):
        if passage.article_id in by_article:
            inside = _own_spans(by_article[passage.article_id], passage)
        else:
            inside = [(passage.start + s, passage.start + e) for s, e in citable_spans(passage.text)]
        for start, end in inside:
            key = (passage.article_id, start, end)
            if key in seen:
                continue
            seen.add(key)
            spans.append(Span(passage, rank, start, end, passage.text[start - passage.start : end - passage.start]))
    return spans


def _own_spans(spans: list[tuple[int, int]], passage: Passage) -> list[tuple[int, int]]:
    """The citable spans of ``passage`` among its article's: those inside it, one per sentence end.

    Neighbouring passages share a sentence. A shared sentence opening with "He"
    is quoted with the sentence before it in the passage it ends, and alone in
    the next one, where it comes first; in the passage it ends, only the
    longer span is its own.
    """
    own: dict[int, int] = {}
    for start, end in spans:
        if passage.start <= start and end <= passage.end:
            own[end] = min(start, own.get(end, start))
    return sorted((start, end) for end, start in own.items())


def _by_story(entries: dict[str, Entry], stories: dict[str, Membership]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = {}
    for entry in entries.values():  # newest first, as the manifest lists them
        grouped.setdefault(stories.get(entry.id, Membership(entry.id, entry.id)).story_id, []).append(entry)
    return grouped
