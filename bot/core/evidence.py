"""The evidence for a question: the passages found for it, and their sentences ranked against it.

The index finds passages and hands over their sentences with vectors; here each
sentence is scored by its similarity to the question, the share of the
question's words it holds, its passage, whether it looks like an answer (a name
or number the question lacks) and how recent its article is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bot.core.kind import kind_fit
from bot.core.params import Params
from bot.core.question import Question, looks_ahead
from bot.core.stories import newest_copies
from bot.core.words import capitalised, initials, plain_words, spelled_out, terms_of
from index.filters import Filter
from index.passages import Boost, Passage, Span
from index.search import Retriever


@dataclass(frozen=True)
class Evidence:
    """A sentence (or two, when the second needs the first) inside a passage, scored for a question."""

    passage: Passage
    start: int  # offsets into the article
    end: int
    text: str
    score: float
    similarity: float  # cosine similarity to the question


@dataclass(frozen=True)
class Found:
    """What one search found: passages best first, and the sentences of the first few best first."""

    passages: list[Passage]
    evidence: list[Evidence]
    widened: bool = False  # searched beyond the dates or sources the question states, as nothing within them answered


def recent(today: date, params: Params, searched: Filter | None = None) -> Boost | None:
    """The days whose articles count as the latest news on ``today``, and how much more they count; None
    when the dates ``searched`` before (of all sources, and found not to answer) run up to ``today``: the
    latest news was read for the question already, and favouring it again brings the same articles back."""
    boost = Boost(today - timedelta(days=params.recent_days), today, params.recency_boost)
    read = searched is not None and not searched.sources and (searched.since or searched.until)
    if read and (searched.since or date.min) <= today <= (searched.until or date.max):
        return None
    return boost


def find(
    question: Question,
    retriever: Retriever,
    params: Params,
    where: Filter | None = None,
    k: int = 10,
    *,
    names_first: bool = False,
    searched: Filter | None = None,
) -> Found:
    """The ``k`` best passages for ``question`` among the articles ``where`` admits, and their best sentences.

    With ``names_first``, passages naming every name of the question come
    first (multiple choice: a choice is asked about together with its names).
    ``searched``: the restriction searched before for the question, which
    found nothing to answer (see :func:`recent`).

    Of copies of one text, only the newest is read (``bot.core.stories``).
    A follow-up's passages are searched for it together with the question it
    follows, while sentences are ranked against it alone, or, when it points
    back at someone, against it with them named ("who did Raisi blame?" for
    "who did he blame?"). Recent articles rank higher, and so do their
    sentences, except for a question about order, which compares reports over
    time.
    """
    # what sentences are ranked against; "when is it?": "it" is only known from the conversation, ranked as searched
    ranked_as = question.resolved or (question.search_topic if question.points_back else question.topic)
    texts = list(dict.fromkeys([question.search_topic, ranked_as]))  # embedded at once, each text once
    vectors: dict[str, np.ndarray] = {}

    def topical() -> np.ndarray:  # what the passages are searched with (embedded while the keyword search runs)
        vectors.update(zip(texts, retriever.embed(texts)))
        return vectors[question.search_topic]

    boost = recent(question.today, params, searched)
    passages = retriever.search(question.search_topic, k, where, query=topical, boost=boost)
    if not vectors:  # nothing was searched (no source matches)
        topical()
    query = vectors[ranked_as]
    passages = newest_copies(passages, question.today)
    if names_first and question.names:
        naming = [p for p in passages if not missed_names(question, [p])]
        passages = naming + [p for p in passages if p not in naming]
    # A question about order compares claims that may lie further down (the claim made second).
    scored = passages[: params.order_passages if question.order else params.sentence_passages]
    ranked = rank(question, query, scored, retriever, params, None if question.order else boost)
    return Found(passages, about_names(question, ranked))


def missed_names(question: Question, passages: list[Passage]) -> list[str]:
    """The names of ``question`` that none of ``passages`` mentions (in its text, title or address: a
    story's web address or file name often names what it is about); an acronym is also its capitalised
    words' initials ("FAA": "Federal Aviation Administration") or written out (``spelled_out``)."""
    if not question.names:
        return []
    address = " ".join(re.split(r"[^\w]+", " ".join(p.location for p in passages)))  # "qantas.txt": "qantas txt"
    texts = [f"{p.title} {p.text}" for p in passages]
    said = set(plain_words(address)) | {w for text in texts for w in plain_words(text)}
    acronyms = [name for name in question.names if _is_acronym(name)]
    if acronyms:
        said |= {i for text in texts for i in initials(text)}
        for acronym in acronyms:
            if any(spelled_out(acronym, text) for text in texts):
                said |= question.names[acronym]
    return [name for name, words in question.names.items() if not words & said]


def coverage(question: Question, passages: list[Passage]) -> float:
    """The largest share of the question's keyword stems that one of ``passages`` (its title and text) holds."""
    if not question.terms:
        return 1.0
    held = terms_of([f"{p.title} {p.text}" for p in passages])
    return max((len(question.terms & set(terms)) / len(question.terms) for terms in held), default=0.0)


def about_names(question: Question, evidence: list[Evidence]) -> list[Evidence]:
    """The sentences of ``evidence`` whose passage names one of the question's names, when any does: the
    others are about something else, however close ("Nearly 16,000 people were killed when the … quake struck"
    to "How many people were killed in the bombing near Soleimani's grave?"); the decision to answer is taken
    on what is left. Dev set: 10 of 194 answers changed, answer_hit 56 -> 55 of 154 (a career "in the Air
    Force" quoted by chance for the branch of the 2024 Miss America). A name is matched as
    :func:`missed_names` matches it: one word of a name written otherwise ("Palestinians" for "Gaza") is not
    matched, and a name of common words ("Former President") is matched almost everywhere."""
    if not question.names:
        return evidence
    names: dict[int, bool] = {}
    for ev in evidence:
        if id(ev.passage) not in names:
            names[id(ev.passage)] = len(missed_names(question, [ev.passage])) < len(question.names)
    return [ev for ev in evidence if names[id(ev.passage)]] or evidence


def _is_acronym(name: str) -> bool:
    return name.isupper() and name.isalpha() and 2 <= len(name) <= 5


def rank(
    question: Question,
    query: np.ndarray,
    passages: list[Passage],
    retriever: Retriever,
    params: Params,
    boost: Boost | None = None,
) -> list[Evidence]:
    """Every sentence of ``passages``, ranked against ``question`` (whose vector is ``query``), best first."""
    spans, vectors = retriever.sentences(passages)
    if not spans:
        return []
    sims = vectors @ query
    ranked = []
    for span, sim, terms in zip(spans, sims.tolist(), terms_of([s.text for s in spans])):
        overlap = len(question.terms & set(terms)) / len(question.terms) if question.terms else 0.0
        score = sim + params.w_overlap * overlap + _prior(span, len(passages), params)
        score += params.w_passage * span.passage.similarity
        score += params.w_shape * answer_shape(span.text, question, params)
        if boost is not None and boost.covers(span.passage.published):
            score += params.w_recent
        if question.ahead and looks_ahead(span.text):
            score += params.w_ahead
        ranked.append(Evidence(span.passage, span.start, span.end, span.text, score, sim))
    return sorted(ranked, key=lambda e: e.score, reverse=True)


def _prior(span: Span, passages: int, params: Params) -> float:
    """A tie-breaker by the rank of the sentence's passage."""
    return params.passage_rank_prior * (passages - span.rank) / passages


def answer_shape(sentence: str, question: Question, params: Params) -> float:
    """+1 for a sentence that holds what the question asks for, less for ones that cannot answer.

    What it asks for is a span of its kind that it lacks ("Which state…": a
    place it does not name); for a question of no particular kind, any name or
    number it lacks. A sentence that only restates the question (or is itself
    a question, or a headline fragment) is similar to it without answering it.
    """
    if question.kind is not None:
        shape = kind_fit(question.kind, sentence, question.words, params.unsure_kind)
    else:
        shape = 1.0 if capitalised(sentence) - question.capitalised else 0.0
    if sentence.rstrip().endswith("?"):
        shape -= params.shape_question_penalty
    if len(sentence.split()) < params.claim_min_words:
        shape -= params.shape_short_penalty
    return shape


def support(evidence: list[Evidence]) -> float:
    """How close the evidence comes to the question: its most similar sentence.

    Taken over all candidates rather than the top-ranked one, so that refusing
    does not depend on the finer points of ranking.
    """
    return max((ev.similarity for ev in evidence), default=0.0)
