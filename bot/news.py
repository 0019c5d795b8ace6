"""What makes news questions special: dates, order, sources, and figures that disagree.

- ``read_question`` finds the restrictions a question states in words ("this
  week", "in January 2024", "according to CNN"), parsed with dateparser
  against a given day, so the same question on the same day always means the
  same thing.
- ``chronological`` arranges the evidence of a question about order (see
  ``index.questions.order_asked``) by publication date and, within an
  article, by the order its cue words give.
- ``figures`` finds the different numbers the best evidence gives for a
  "how many" question, each with who reported it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

from index.filters import Filter, source_matches
from index.keyword import tokenize
from index.questions import YEAR
from index.retrieval import Evidence, Passage, Retriever

TIMELINE_PASSAGES = 30  # passages searched for a timeline
TIMELINE_ARTICLES = 10  # articles quoted at most
TIMELINE_MIN_SIMILARITY = 0.3  # a passage less similar to the topic is about something else
CLAIM_MIN_WORDS = 6  # shorter "sentences" are mostly headlines and captions

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Day and month need a year, or a preposition before them ("on May 5"): "sept 11
# survivors" and "40 may have died" are no dates.
_DATED = (
    rf"{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_MONTH},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?<=on |by ){_MONTH}\s+{_DAY}|(?<=since |after |until ){_MONTH}\s+{_DAY}|(?<=before ){_MONTH}\s+{_DAY}"
)
_BETWEEN = re.compile(
    rf"\bbetween\s+(?P<a>{_DATED.replace('(?<=on |by )', '')}|{_MONTH})\s+and\s+(?P<b>{_DATED.replace('(?<=on |by )', '')}|{_MONTH})\b",
    re.IGNORECASE,
)
# A bare month only after "in" or "during" ("may" is also a verb). A bare year
# ("in 2023") is left alone: in a news question it mostly dates the event
# asked about, not the articles that report it.
_WHEN = re.compile(
    rf"\b(?P<prep>in|during|on|since|after|before|until|by|from)?\s*(?:the\s+)?"
    rf"(?P<when>(?:this|last|past|previous)\s+(?:week|month|year)|today|yesterday|{_DATED}"
    rf"|(?<=in ){_MONTH}|(?<=during ){_MONTH})\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(
    r",?\s*\b(?i:according to|as reported by|reported by|says?)\s+(?:(?i:the)\s+)?"
    r"(?P<source>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2}),?",
)
# Written in lower case ("according to cnn?"), a source must end the phrase:
# in "according to local officials", "local" is no source.
_ACCORDING_LOWER = re.compile(
    r",?\s*\b(?:according to|as reported by|reported by)\s+(?:the\s+)?"
    r"(?P<source>[\w&'-]+(?:\.[\w&'-]+)*(?:\s+[\w&'-]+(?:\.[\w&'-]+)*){0,2})\s*(?:,|(?=[?!.]*\s*$))",
    re.IGNORECASE,
)
# Cue words placing a sentence's event early or late among those its article reports.
_EARLY_CUES = re.compile(
    r"\b(prior to|before|during the period between|initially|at first|first|earlier|originally)\b", re.IGNORECASE
)
_LATE_CUES = re.compile(r"\b(later|subsequently|afterwards|since then|following|then)\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b{_MONTH}\s*$", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?<![\w.'’-])\$?(?P<n>\d(?:[\d,]*\d)?(?:\.\d+)?)%?(?![\w'’-])(?:\s+(?:million|billion|thousand))?"
)
_SAID = re.compile(
    r"\baccording to (?P<a>[^,.;]+)"
    r"|(?P<b>(?:[A-Z][\w'’-]*\s+){0,2}(?:state\s+)?(?:media|officials|police|authorities|ministry|government)"
    r"|(?:[A-Z][\w'’-]*\s?){1,4})\s+(?:said|says|reported|reports|claimed|claims|stated)\b"
)


@dataclass(frozen=True)
class Reading:
    """A question with the restrictions it states removed, and those restrictions."""

    question: str
    where: Filter


@dataclass(frozen=True)
class Figure:
    """One number given for what a question asks, who gave it, and the evidence."""

    value: str
    by: str
    evidence: Evidence


def read_question(question: str, today: date, sources: set[str]) -> Reading:
    """The dates and sources a question names in words, as a filter, and the question without them.

    Only sources that are indexed are recognised ("according to CNN" with
    cnn.com indexed); a relative date ("this week") counts from ``today``.
    """
    since, until = None, None
    named: tuple[str, ...] = ()
    rest = question
    for pattern in (_ACCORDING, _ACCORDING_LOWER):
        match = pattern.search(rest)
        if match and any(source_matches(match["source"], s) for s in sources):
            named = (match["source"],)
            rest = rest[: match.start()] + rest[match.end() :]
            break
    between = _BETWEEN.search(rest)
    if between:
        first, last = _date_range(between["a"], today), _date_range(between["b"], today)
        if first and last:
            since, until = first[0], last[1]
            rest = rest[: between.start()] + rest[between.end() :]
    match = None if between and since else _WHEN.search(rest)
    if match:
        span = _date_range(match["when"], today)
        if span is not None:
            since, until = _bounds(match["prep"], *span)
            rest = rest[: match.start()] + rest[match.end() :]
    rest = " ".join(rest.replace(" ?", "?").split()) or question
    return Reading(rest, Filter(named, since, until))


def _date_range(text: str, today: date) -> tuple[date, date] | None:
    """First and last day that ``text`` means, counted from ``today``."""
    week = re.fullmatch(r"(this|past|last|previous)\s+week", text, re.IGNORECASE)
    if week:  # the seven days up to today, or the seven before them: news weeks do not start on Mondays
        end = today if week[1].lower() in ("this", "past") else today - timedelta(days=7)
        return end - timedelta(days=6), end
    parser = DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),
            "PREFER_DAY_OF_MONTH": "first",
            "PREFER_DATES_FROM": "past",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "month":
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return day.replace(day=1), following - timedelta(days=1)
    if data.period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    return day, day


def _bounds(prep: str | None, first: date, last: date) -> tuple[date | None, date | None]:
    prep = (prep or "").lower()
    if prep in ("since", "from"):
        return first, None
    if prep == "after":
        return last + timedelta(days=1), None
    if prep == "before":
        return None, first - timedelta(days=1)
    if prep in ("until", "by"):
        return None, last
    return first, last


def chronological(evidence: list[Evidence]) -> list[Evidence]:
    """Oldest first: by publication date, then by the order the article's cue words give, then by position."""

    def key(ev: Evidence) -> tuple:
        published = ev.passage.published_at or "9999-12-31"
        cue = -1 if _EARLY_CUES.search(ev.text) else 1 if _LATE_CUES.search(ev.text) else 0
        return published, ev.passage.article_id if ev.passage.published_at is None else "", cue, ev.start

    return sorted(evidence, key=key)


def figures(question: str, evidence: list[Evidence]) -> list[Figure]:
    """Different numbers given for the same thing by different articles, one per value; else [].

    The same thing: the word after the number is the same ("84 people", "103
    people"). Numbers from one article are its own account, not a disagreement.
    """
    stems = set(tokenize([question])[0])
    asked = {m.group("n") for m in _NUMBER.finditer(question)}
    by_unit: dict[str, list[Figure]] = {}
    for ev in evidence:
        found = _figure_in(ev.text, stems, asked)
        if found is None:
            continue
        value, unit = found
        group = by_unit.setdefault(unit, [])
        if all(f.value != value and f.evidence.passage.article_id != ev.passage.article_id for f in group):
            group.append(Figure(value, _reporter(ev), ev))
    return max(by_unit.values(), key=len, default=[]) if any(len(g) > 1 for g in by_unit.values()) else []


def _figure_in(sentence: str, stems: set[str], asked: set[str]) -> tuple[str, str] | None:
    """The number in ``sentence`` nearest a word of the question, and the word after it.

    Numbers the question has, years and days of the month are no figures.
    """
    numbers = [
        m
        for m in _NUMBER.finditer(sentence)
        if m.group("n") not in asked
        and not YEAR.fullmatch(m.group("n"))
        and not _MONTH_BEFORE.search(sentence[: m.start()])
    ]
    if not numbers:
        return None
    words = [(m.start(), tokenize([m.group(0)])[0]) for m in re.finditer(r"\w+", sentence)]
    anchors = [pos for pos, toks in words if toks and toks[0] in stems]
    best = min(numbers, key=lambda m: min((abs(m.start() - a) for a in anchors), default=0))
    after = re.match(r"\s*(?:others?\s+)?([A-Za-z]+)", sentence[best.end() :])
    return best.group(0).strip(), (after[1].lower() if after else "")


def _reporter(ev: Evidence) -> str:
    """Who gave the figure: named in the sentence, else the article's source."""
    match = _SAID.search(ev.text)
    if match:
        return " ".join((match["a"] or match["b"]).split())
    return ev.passage.source or ev.passage.title


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


def timeline(retriever: Retriever, topic: str, where: Filter | None = None) -> list[Event]:
    """What the articles say about ``topic``, one claim per article, oldest first.

    Articles count when one of their passages is close enough to the topic;
    from each, the sentence that best matches it is quoted.
    """
    passages = retriever.search(topic, k=TIMELINE_PASSAGES, where=where)
    best: dict[str, Passage] = {}
    for p in passages:
        if p.similarity >= TIMELINE_MIN_SIMILARITY and p.article_id not in best:
            best[p.article_id] = p
    claims: dict[str, Evidence] = {}
    ranked = retriever.rank_sentences(topic, list(best.values())[:TIMELINE_ARTICLES])
    for ev in sorted(ranked, key=lambda ev: len(ev.text.split()) < CLAIM_MIN_WORDS):  # stable: rank kept
        claims.setdefault(ev.passage.article_id, ev)
    return [
        Event(ev.passage.published_at, ev.text, ev.passage.article_id, ev.passage.title, ev.passage.source,
              ev.passage.location)
        for ev in chronological(list(claims.values()))
    ]
