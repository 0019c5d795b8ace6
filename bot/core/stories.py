"""Stories in answers: one copy of each text, citations spread over stories, and who else reported one.

The index groups articles into stories as it indexes them (``index.stories``):
copies of one text (a wire story under several outlets, an article updated at
a new address) and reports of one event. An answer reads one copy of each
text, the newest; cites different stories before a second article of one; and
names the other articles of each story it cites.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

import numpy as np

from bot.core.params import Params
from index.manifest import Entry
from index.passages import Passage
from index.stories import STORY_DAYS

Embed = Callable[[list[str]], np.ndarray]


class Quoted(Protocol):
    """What is quoted from a passage (``bot.core.evidence.Evidence``)."""

    @property
    def passage(self) -> Passage: ...


Q = TypeVar("Q", bound=Quoted)


@dataclass(frozen=True)
class Report:
    """Another article of a cited story: who published it, where, when."""

    source: str
    url: str
    published_at: str | None


def story_of(passage: Passage) -> str:
    """The id of the story ``passage``'s article reports (its own id when the index has none for it)."""
    return passage.story.story_id if passage.story else passage.article_id


def _copies_of(passage: Passage) -> str:
    return passage.story.copy_id if passage.story else passage.article_id


def newest_copies(passages: list[Passage], today: date) -> list[Passage]:
    """``passages`` from one article of each text: of copies, the newest up to ``today`` (an update), else the
    first found.

    Copies say the same: a second one adds nothing to read, and an older
    version of an updated article says what is no longer so. One published
    after ``today`` was not yet written on the day asked about.
    """
    kept: dict[str, Passage] = {}
    for p in passages:
        first = kept.setdefault(_copies_of(p), p)
        if _recency(p, today) > _recency(first, today):
            kept[_copies_of(p)] = p
    return [p for p in passages if kept[_copies_of(p)].article_id == p.article_id]


def _recency(passage: Passage, today: date) -> tuple[int, date]:
    """Dated up to ``today`` (newest first), then undated, then dated later."""
    published = passage.published
    if published is None:
        return 1, date.min
    return (2, published) if published <= today else (0, date.min)


def spread(evidence: list[Q]) -> list[Q]:
    """``evidence`` in its order, except that of a second article of a story comes after that of other stories."""
    first: dict[str, str] = {}
    leading: list[Q] = []
    later: list[Q] = []
    for ev in evidence:
        article = first.setdefault(story_of(ev.passage), ev.passage.article_id)
        (leading if article == ev.passage.article_id else later).append(ev)
    return leading + later


def same_story(first: Q, others: list[Q], embed: Embed, params: Params) -> list[Q]:
    """Those of ``others`` from articles reporting the same story as ``first``'s.

    The index grouped their articles into one story; or their passages are
    alike (``params.same_story``: a short first report and a long article
    about one attack are less alike as wholes than as passages) and they were
    published within ``STORY_DAYS`` of each other (when both dates are known):
    a bombing in 2024 and the killing it commemorates in 2020 are two stories
    about one man, a flood and a bombing two stories of one week.
    """
    if not others:
        return []
    vectors = embed([first.passage.text] + [ev.passage.text for ev in others])
    return [
        ev
        for ev, like in zip(others, vectors[1:] @ vectors[0])
        if story_of(ev.passage) == story_of(first.passage)
        or (like >= params.same_story and _days_apart(first.passage, ev.passage) <= STORY_DAYS)
    ]


def _days_apart(a: Passage, b: Passage) -> int:
    if a.published is None or b.published is None:
        return 0
    return abs((a.published - b.published).days)


def reported_by(article_id: str, story: list[Entry]) -> list[Report]:
    """The other articles of ``story`` (its articles, newest first) than ``article_id``, as reports."""
    return [
        Report(e.source, e.url or e.origin, e.published_at.isoformat() if e.published_at else None)
        for e in story
        if e.id != article_id
    ]


def also_reported(source: str, reports: list[Report]) -> str | None:
    """Who else reported a cited story, in a few words: the other outlets, and the outlet's own other articles by
    their date ("apnews.com, usatoday.com (2024-01-03)"); None when nobody did."""
    labels = [r.source if r.source != source else f"{r.source} ({r.published_at or 'undated'})" for r in reports]
    return ", ".join(dict.fromkeys(labels)) or None
