"""Timelines: what the articles say about a topic, one dated claim per article, oldest first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.core.compose import chronological, is_claim
from bot.core.evidence import Evidence, missed_names, rank
from bot.core.params import PARAMS, Params
from bot.core.question import read_question
from bot.core.stories import newest_copies
from bot.core.words import names_in
from index.filters import Filter
from index.passages import Passage
from index.search import Retriever


@dataclass(frozen=True)
class Event:
    """A dated claim about a topic, quoted from one article."""

    published_at: str | None
    text: str
    article_id: str
    title: str
    source: str
    url: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def timeline(retriever: Retriever, topic: str, where: Filter | None = None, params: Params = PARAMS) -> list[Event]:
    """What the articles say about ``topic``, one claim per article, oldest first.

    Articles count when one of their passages is close enough to the topic and
    mentions every name it gives ("Qantas" finds no report of another
    airline); from each, the sentence that best matches it is quoted. No article counts
    more for being recent: a timeline spans time. Of copies of one text, the
    newest is quoted.
    """
    question = read_question(topic, date.today())
    # A topic is all subject: its first word names something too ("Qantas"), as it would inside a question.
    question = replace(question, names=names_in(f"about {question.topic}"))
    query = retriever.embed([question.topic])[0]
    passages = retriever.search(question.topic, params.timeline_passages, where, query=query)
    passages = newest_copies(passages, question.today)
    best: dict[str, Passage] = {}
    for p in passages:
        if p.similarity < params.timeline_min_similarity or p.article_id in best or missed_names(question, [p]):
            continue
        best[p.article_id] = p
    claims: dict[str, Evidence] = {}
    ranked = rank(question, query, list(best.values())[: params.timeline_articles], retriever, params)
    for ev in sorted(ranked, key=lambda ev: not is_claim(ev.text, params)):  # stable: rank kept
        claims.setdefault(ev.passage.article_id, ev)
    return [
        Event(ev.passage.published_at, ev.text, ev.passage.article_id, ev.passage.title, ev.passage.source,
              ev.passage.location)
        for ev in chronological(list(claims.values()))
    ]
