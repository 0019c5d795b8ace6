"""What's new about a topic: the stories published since a day, newest first, one dated claim each.

A story counts when one of its articles published in the window has a passage
close enough to the topic (the timeline's rule, ``params.timeline_min_similarity``)
that names what the topic names (the answers' rule: "Kerman" is no shooting in Kansas City);
its claim is the best sentence about the topic in its newest such article,
cited with the story's other articles.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from bot.core.compose import is_claim
from bot.core.evidence import Evidence, missed_names, rank
from bot.core.params import PARAMS, Params
from bot.core.question import read_question
from bot.core.stories import Report, newest_copies, reported_by, story_of
from index.filters import Filter
from index.manifest import Entry
from index.passages import Passage
from index.search import Retriever


@dataclass(frozen=True)
class NewStory:
    """A story published in the window, told by one dated claim from its newest article."""

    story_id: str
    published_at: str | None
    text: str
    title: str
    source: str
    url: str
    also_reported_by: list[Report] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def whats_new(
    retriever: Retriever, topic: str, since: date, where: Filter | None = None, params: Params = PARAMS
) -> list[NewStory]:
    """The stories about ``topic`` published on or after ``since`` among the articles ``where`` admits, newest first."""
    question = read_question(topic, date.today())
    window = (where or Filter()).narrowed(Filter.given((), since, None))
    query = retriever.embed([question.topic])[0]
    found = retriever.search(question.topic, params.timeline_passages, window, query=query)
    about = [p for p in found if p.similarity >= params.timeline_min_similarity and not missed_names(question, [p])]
    passages = newest_copies(about, date.max)
    newest: dict[str, Passage] = {}
    for p in passages:  # best first: a story's best passage in its newest article
        kept = newest.setdefault(story_of(p), p)
        if (p.published or date.min) > (kept.published or date.min):
            newest[story_of(p)] = p
    chosen = list(newest.values())[: params.timeline_articles]
    claims: dict[str, Evidence] = {}
    ranked = rank(question, query, chosen, retriever, params)
    for ev in sorted(ranked, key=lambda ev: not is_claim(ev.text, params)):  # stable: rank kept
        if ev.passage.article_id == newest[story_of(ev.passage)].article_id:
            claims.setdefault(story_of(ev.passage), ev)
    stories = retriever.stories()
    told = [_told(ev, stories.get(story_of(ev.passage), [])) for ev in claims.values()]
    return sorted(told, key=lambda s: s.published_at or "", reverse=True)


def _told(ev: Evidence, story: list[Entry]) -> NewStory:
    p = ev.passage
    others = reported_by(p.article_id, story)
    return NewStory(story_of(p), p.published_at, ev.text, p.title, p.source, p.location, others)
