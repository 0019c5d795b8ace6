"""The dates and sources a question states in words: "this week", "in January 2024", "according to CNN".

Dates are parsed with dateparser against a given day, so the same question on
the same day always means the same thing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

from index.filters import Filter, source_matches

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Day and month need a year, or a preposition before them ("on May 5"): "sept 11
# survivors" and "40 may have died" are no dates.
_DATED = (
    rf"{MONTH}\s+{_DAY},?\s+\d{{4}}|{MONTH},?\s+\d{{4}}|{_DAY}\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?<=on |by ){MONTH}\s+{_DAY}|(?<=since |after |until ){MONTH}\s+{_DAY}|(?<=before ){MONTH}\s+{_DAY}"
)
_BETWEEN = re.compile(
    rf"\bbetween\s+(?P<a>{_DATED.replace('(?<=on |by )', '')}|{MONTH})\s+and\s+(?P<b>{_DATED.replace('(?<=on |by )', '')}|{MONTH})\b",
    re.IGNORECASE,
)
# A bare month only after "in" or "during" ("may" is also a verb). A bare year
# ("in 2023") is left alone: in a news question it mostly dates the event
# asked about, not the articles that report it.
_WHEN = re.compile(
    rf"\b(?P<prep>in|during|on|since|after|before|until|by|from)?\s*(?:the\s+)?"
    rf"(?P<when>(?:this|last|past|previous)\s+(?:week|month|year)|today|yesterday|{_DATED}"
    rf"|(?<=in ){MONTH}|(?<=during ){MONTH})\b",
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

# "recently" states the 30 days up to the day asked (dev set: "Which island nation recently elected a new
# leader?" and "Which country recently launched a successful mission to the moon?" answered right, +2
# answer_hit, none lost; 14 days did the same). Nothing in them answering, all articles are searched.
RECENTLY_DAYS = 30
# "recently" as an adverb of its own: "most recently" asks about order, "until recently" means formerly.
_RECENTLY = re.compile(r"(?<!most )(?<!until )(?<!till )\brecently\b", re.IGNORECASE)


def read_stated(question: str, today: date, sources: set[str]) -> tuple[str, Filter]:
    """The dates and sources a question names in words, as a filter, and the question without them.

    Only sources that are indexed are recognised ("according to CNN" with
    cnn.com indexed); a relative date ("this week") counts from ``today``. A
    date after ``today`` is when something is to happen ("the festival … from
    August 15th to August 18th, 2024", asked in January), not when the
    articles about it were published: it restricts nothing.
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
        if first and last and last[1] < first[0]:  # "between January 3 and January 20" asked on the 5th: this year's
            last = (_next_year(last[0]), _next_year(last[1]))
        if first and last and first[0] <= today:
            since, until = first[0], last[1]
            rest = rest[: between.start()] + rest[between.end() :]
    for match in [] if since else _WHEN.finditer(rest):
        span = _date_range(match["when"], today)
        if span is not None and span[0] <= today:
            since, until = _bounds(match["prep"], *span)
            rest = rest[: match.start()] + rest[match.end() :]
            break
    recently = None if since or until else _RECENTLY.search(rest)
    if recently:
        since, until = today - timedelta(days=RECENTLY_DAYS - 1), today
        rest = rest[: recently.start()] + rest[recently.end() :]
    rest = " ".join(rest.replace(" ?", "?").split()) or question
    if until is not None and until > today:  # "in December" asked on the 1st: nothing is published after today
        until = today
    return rest, Filter(named, since, until)


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


def _next_year(day: date) -> date:
    """The same day a year later (February 29 becomes the 28th)."""
    return day.replace(year=day.year + 1, day=min(day.day, 28) if day.month == 2 else day.day)


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
