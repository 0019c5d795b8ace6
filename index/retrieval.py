"""Finding the evidence for a question: hybrid passage search, then sentence ranking.

Passages come from two searches fused by reciprocal rank: dense similarity
(Chroma) and BM25 keywords, so that both paraphrases ("killed" for "deaths")
and exact names and numbers are found. Inside the best passages each sentence
is then scored against the question, so that a citation quotes the sentence
that answers rather than a whole passage.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from index.chunking import article_of, chunk_id, citable_spans
from index.embed.base import Embedder
from index.filters import Filter
from index.keyword import KeywordIndex, load_or_build, tokenize
from index.manifest import Entry, Manifest
from index.questions import is_quantity_question, order_asked, topic_of
from index.store import ChunkStore, Hit

# Reciprocal rank fusion constant; 60 is the value of the original RRF paper
# and works without tuning across collections.
RRF_K = 60
CANDIDATES = 40  # hits taken from each search before fusion
FILTERED_KEYWORD_FACTOR = 10  # with a filter, keyword hits are taken deeper, then filtered
# With a filter admitting at most this many chunks, their vectors are compared
# with the question directly instead of a filtered Chroma search: on the dev
# set (18,357 chunks; "this week" admits 10 to 1,258) 22 ms against 60 ms.
EXACT_SEARCH_CHUNKS = 2000
# Passages of articles published in the seven days before the day asked (or on
# it) score this much higher: news questions are mostly about the latest news. On the
# realtimeqa-2024 dev set (questions asked on their quiz's date) 1.3 raised
# recall@1 from 0.32 to 0.37 and mrr@10 from 0.40 to 0.44; 1.15 gained less,
# 1.6 no more, and windows of 10 or 14 days did no better than 7.
RECENT_DAYS = 7
RECENCY_BOOST = 1.3
# Passages whose sentences are scored one by one. Their vectors are kept since
# indexing; sentences of articles indexed without them are embedded when asked
# (about 7 ms a sentence on two CPU cores).
SENTENCE_PASSAGES = 4
SENTENCE_BATCH = 16  # short texts: small batches waste less on padding
# Weights of a sentence's score beyond its similarity to the question, chosen
# by a grid search on the realtimeqa-2024 dev set (how often the best sentence
# holds the gold answer); the plateau is broad, these sit in its middle.
W_OVERLAP = 0.6  # share of the question's words it contains
W_PASSAGE = 0.2  # similarity of its whole passage
W_SHAPE = 0.2  # looks like an answer: brings a name or number the question lacks
# Added for a sentence of an article from the RECENT_DAYS up to the day asked
# (dev set: the answer shown held the gold answer for 48 questions instead of
# 46; 0.1 gained less, 0.3 no more).
W_RECENT = 0.15

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
    r"thousands?|millions?|billions?)\b",
    re.IGNORECASE,
)
# Names and numbers: what answers to news questions mostly are.
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’.-]*[A-Za-z0-9]|\$?\d[\d,.]*%?")
Sentence = tuple[str, int, int]  # article id, start and end offsets in the article


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what a citation needs to name its article."""

    chunk_id: str
    article_id: str
    title: str
    published_at: str | None
    source: str
    location: str
    text: str
    start: int
    end: int
    score: float
    similarity: float  # cosine similarity to the question, 0 when found by keywords only
    content_hash: str = ""  # of the article the passage was cut from

    @property
    def published(self) -> date | None:
        """``published_at`` as a date (None when unknown or not a date)."""
        try:
            return date.fromisoformat(self.published_at) if self.published_at else None
        except ValueError:
            return None

    @classmethod
    def from_hit(cls, hit: Hit, score: float, similarity: float) -> Passage:
        meta = hit.metadata
        return cls(
            chunk_id=hit.id,
            article_id=str(meta.get("article_id", "")),
            title=str(meta.get("title", "")),
            published_at=meta.get("published_at"),
            source=str(meta.get("source", "")),
            location=str(meta.get("location", "")),
            text=hit.text,
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", len(hit.text))),
            score=score,
            similarity=similarity,
            content_hash=str(meta.get("content_hash", "")),
        )


@dataclass(frozen=True)
class Evidence:
    """A sentence (or two, when the second needs the first) inside a passage."""

    passage: Passage
    start: int  # offsets into the article
    end: int
    text: str
    score: float
    similarity: float


@dataclass(frozen=True)
class Retrieval:
    """What one search found: passages best first, and their sentences best first."""

    passages: list[Passage]
    evidence: list[Evidence]


class Retriever:
    """Searches one index; keeps its keyword index in step with the manifest.

    Only committed articles are cited: a chunk counts when the manifest lists
    its article with the same content hash. The manifest row is written after
    an article's chunks, so an article being indexed meanwhile is invisible
    until it is complete.
    """

    def __init__(self, store: ChunkStore, manifest: Manifest, embedder: Embedder, keyword_dir: Path) -> None:
        self.store = store
        self.manifest = manifest
        self.embedder = embedder
        self._keyword_dir = keyword_dir
        self._keyword: KeywordIndex | None = None
        self._entries: dict[str, Entry] = {}
        self._generation = -1
        self._refreshing = threading.Lock()

    def keyword_index(self) -> KeywordIndex:
        with self._refreshing:  # threads asking at once rebuild it once
            generation = self.manifest.generation
            if self._keyword is None or generation != self._generation:
                self._keyword = load_or_build(self._keyword_dir, generation, self.store.chunks())
                self._entries = self.manifest.entries()
                self._generation = generation
            return self._keyword

    def _is_committed(self, hit: Hit) -> bool:
        entry = self._entries.get(str(hit.metadata.get("article_id")))
        return entry is not None and entry.content_hash == hit.metadata.get("content_hash")

    def entries(self) -> dict[str, Entry]:
        """The committed articles, as of the latest search."""
        self.keyword_index()
        return self._entries

    def search(self, question: str, k: int = 10, where: Filter | None = None) -> list[Passage]:
        """The ``k`` best passages for ``question``, best first (only from articles ``where`` admits)."""
        question = topic_of(question)
        query = self.embedder.embed([question])[0]
        return self._search(question, query, k, where)

    def evidence(self, question: str, k: int = 10) -> list[Evidence]:
        """Sentences from the best passages, best first, one entry per distinct span."""
        return self.retrieve(question, k).evidence

    def retrieve(
        self,
        question: str,
        k: int = 10,
        context: str | None = None,
        where: Filter | None = None,
        today: date | None = None,
    ) -> Retrieval:
        """The ``k`` best passages and the ranked sentences of the first few.

        ``context`` is an earlier question that this one follows up ("and how
        many were injured?"): passages are searched for both together, while
        sentences are still ranked against the question itself. ``where``
        restricts the search to some sources and dates. Passages and sentences
        of articles published in the ``RECENT_DAYS`` up to ``today`` rank a
        little higher: news questions are mostly about the latest news. Not
        the sentences of a question about order ("who was blamed first?"),
        which compares reports over time.
        """
        sentences_today = None if order_asked(question) else today
        question = topic_of(question)
        if context:
            topic = topic_of(f"{context} {question}")
            query, topical = self.embedder.embed([question, topic])
        else:
            topic = question
            query = topical = self.embedder.embed([question])[0]
        passages = self._search(topic, topical, k, where, today)
        return Retrieval(passages, self._rank_sentences(question, query, passages[:SENTENCE_PASSAGES], sentences_today))

    def _search(
        self, question: str, query: np.ndarray, k: int, where: Filter | None = None, today: date | None = None
    ) -> list[Passage]:
        keyword_index = self.keyword_index()  # also refreshes the committed articles
        if where:
            sources = {e.source for e in self._entries.values() if where.admits_source(e.source)}
            if not sources:
                return []
            admitted = {a for a, entry in self._entries.items() if where.admits(entry)}
            chunks = [chunk_id(a, i) for a in admitted for i in range(self._entries[a].chunks)]
            if len(chunks) <= EXACT_SEARCH_CHUNKS:
                dense = self.store.nearest(chunks, query, CANDIDATES)
            else:
                dense = self.store.query(query, CANDIDATES, where=where.chroma(sources))
            keyword = [
                (chunk, score)
                for chunk, score in keyword_index.search(question, CANDIDATES * FILTERED_KEYWORD_FACTOR)
                if article_of(chunk) in admitted
            ][:CANDIDATES]
        else:
            dense = self.store.query(query, CANDIDATES)
            keyword = keyword_index.search(question, CANDIDATES)
        fused: dict[str, float] = {}
        for rank, hit in enumerate(dense):
            fused[hit.id] = fused.get(hit.id, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, (chunk, _) in enumerate(keyword):
            fused[chunk] = fused.get(chunk, 0.0) + 1.0 / (RRF_K + rank + 1)
        if today is not None:
            for chunk in fused:
                entry = self._entries.get(article_of(chunk))
                if entry is not None and is_recent(entry.published_at, today):
                    fused[chunk] *= RECENCY_BOOST
        best = sorted(fused, key=fused.__getitem__, reverse=True)[: 2 * k]  # room for uncommitted ones
        hits = {h.id: h for h in dense}
        hits.update({h.id: h for h in self.store.get([i for i in best if i not in hits], query)})
        ranked = [hits[i] for i in best if i in hits and self._is_committed(hits[i])][:k]
        return [Passage.from_hit(h, fused[h.id], 1.0 - h.distance) for h in ranked]

    def rank_sentences(self, question: str, passages: list[Passage]) -> list[Evidence]:
        """Every sentence of ``passages``, ranked against ``question``, best first."""
        question = topic_of(question)
        return self._rank_sentences(question, self.embedder.embed([question])[0], passages)

    def _rank_sentences(
        self, question: str, query: np.ndarray, passages: list[Passage], today: date | None = None
    ) -> list[Evidence]:
        kept = self.manifest.sentence_vectors({p.article_id: p.content_hash for p in passages})
        candidates = _candidates(passages, kept)
        if not candidates:
            return []
        texts = [c.text for c in candidates]
        sims = self._sentence_vectors(candidates, kept) @ query
        q_terms = set(tokenize([question])[0])
        q_names = set(_NAME.findall(question))
        quantity = is_quantity_question(question)
        ranked = []
        for cand, sim, terms in zip(candidates, sims.tolist(), tokenize(texts)):
            overlap = len(q_terms & set(terms)) / len(q_terms) if q_terms else 0.0
            score = sim + W_OVERLAP * overlap + cand.score + W_PASSAGE * cand.passage.similarity
            score += W_SHAPE * _answer_shape(cand.text, q_names, quantity)
            if today is not None and is_recent(cand.passage.published, today):
                score += W_RECENT
            ranked.append(replace(cand, score=score, similarity=sim))
        return sorted(ranked, key=lambda e: e.score, reverse=True)

    def _sentence_vectors(self, candidates: list[Evidence], kept: dict[Sentence, np.ndarray]) -> np.ndarray:
        """The candidates' vectors: kept since indexing, or embedded now where none were kept."""
        vectors = np.empty((len(candidates), self.embedder.dimension), dtype=np.float32)
        missing = []
        for i, c in enumerate(candidates):
            key = (c.passage.article_id, c.start, c.end)
            if key in kept:
                vectors[i] = kept[key]
            else:
                missing.append(i)
        if missing:
            vectors[missing] = self.embedder.embed([candidates[i].text for i in missing], batch_size=SENTENCE_BATCH)
        return vectors


def _candidates(passages: list[Passage], kept: dict[Sentence, np.ndarray]) -> list[Evidence]:
    """Every citable span of the passages once, scored so far only by its passage's rank.

    The spans are those kept with their vectors at indexing; the passages of
    articles indexed without them are split into sentences now.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for article_id, start, end in kept:
        spans.setdefault(article_id, []).append((start, end))
    candidates: list[Evidence] = []
    seen: set[Sentence] = set()
    for rank, passage in enumerate(passages):
        if passage.article_id in spans:
            inside = _own_spans(spans[passage.article_id], passage)
        else:
            inside = [(passage.start + s, passage.start + e) for s, e in citable_spans(passage.text)]
        for start, end in inside:
            key = (passage.article_id, start, end)
            if key in seen:
                continue
            seen.add(key)
            prior = 0.02 * (len(passages) - rank) / len(passages)
            text = passage.text[start - passage.start : end - passage.start]
            candidates.append(Evidence(passage, start, end, text, prior, 0.0))
    return candidates


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


def is_recent(published: date | None, today: date) -> bool:
    """Whether an article published on ``published`` is from the ``RECENT_DAYS`` up to ``today``."""
    return published is not None and today - timedelta(days=RECENT_DAYS) <= published <= today


def _answer_shape(sentence: str, question_names: set[str], quantity: bool) -> float:
    """+1 for a sentence that adds a name or number to the question, less for ones that cannot answer.

    A sentence that only restates the question (or is itself a question, or a
    headline fragment) is similar to it without answering it.
    """
    new = set(_NAME.findall(sentence)) - question_names
    numbers = any(ch.isdigit() for token in new for ch in token) or bool(_NUMBER.search(sentence))
    shape = 1.0 if (numbers if quantity else new) else 0.0
    if sentence.rstrip().endswith("?"):
        shape -= 2.0
    if len(sentence.split()) < 6:
        shape -= 1.0
    return shape
