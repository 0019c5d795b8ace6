"""What a question asks for beyond its topic: an order of events, a number, the names it is about.

Retrieval uses these to search for the topic alone and to rank sentences; the
answer uses them to arrange and word what it quotes, and to decline when the
evidence is about something else.
"""

from __future__ import annotations

import re

import Stemmer

# Order words that ask about time, not rank: "who was blamed first?", not "the first woman to".
_EVENT = r"(?:the|a|an|his|her|their|its|this|that)"
_EARLIEST = re.compile(
    rf"\b(?:earliest|initially|originally|at first|prior to|(?:came|come|happened|occurred) first)\b"
    rf"|\bfirst\s*[?.!]*\s*$|\b\w+ed\s+first\b|(?<!the )(?<!a )\bfirst\s+\w+ed\b"
    rf"|\b(?:before|after)\s+{_EVENT}\b",
    re.IGNORECASE,
)
_LATEST = re.compile(r"\b(?:latest|most recent(?:ly)?|newest)\b|\blast\s*[?.!]*\s*$", re.IGNORECASE)
# The words of a question about order that only say how to arrange the evidence.
_ORDER_WORDS = re.compile(
    r"\b(first|earliest|initially|originally|latest|most recent(ly)?|newest)\b|\blast(?=\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
_STEMMER = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"\d[\d,.]*\d|[\w'’.&-]+")
# Capitalised words that start a clause of a question rather than name anything.
_NOT_NAMES = frozenset(
    "a an and according as at be but by did do does for from had has have he her his how i if in is it its of on "
    "or she so that the their them there these they this those to was we were what when where which who whom whose "
    "why will with would you please thanks hi hello hey ok okay".split()
)
YEAR = re.compile(r"(?:1[89]|20)\d\d")  # a year dates an event; it counts nothing
_QUANTITY_QUESTION = re.compile(
    r"\b(how (many|much|long|old|far|big|large|tall|often)|what (was|is|were|are) the "
    r"(number|toll|death toll|total|cost|price|score|amount|age|percentage|rate))\b",
    re.IGNORECASE,
)


def order_asked(question: str) -> str | None:
    """ "earliest" or "latest" when the question asks about order, else None."""
    if _EARLIEST.search(question):
        return "earliest"
    if _LATEST.search(question):
        return "latest"
    return None


def topic_of(question: str) -> str:
    """What a question is about: without its order words when it asks about order.

    Those words say how to arrange the evidence, not what it is about, and only
    dilute the match ("who was blamed first" is matched as "who was blamed").
    Where "first" ranks rather than orders ("the first woman to lead…") it stays.
    """
    if not order_asked(question):
        return question
    topic = " ".join(_ORDER_WORDS.sub(" ", question).split())
    return re.sub(r" (?=[?!.,])", "", topic) or question


def is_quantity_question(question: str) -> bool:
    """ "How many…", "what was the death toll…": questions answered by a number."""
    return bool(_QUANTITY_QUESTION.search(question))


def names_in(question: str) -> dict[str, set[str]]:
    """The names and figures a question is about, as written ("Rees-Zammit", "112,000"), each with
    its plain words ({"rees", "zammit"}, {"112000"}).

    Capitalised words after the first count, and figures of three digits or
    more other than years (an article about "the 2024 race" or "the past 48
    hours" need not repeat the year or the count); lower-case questions name
    nothing this way.
    """
    names: dict[str, set[str]] = {}
    for n, match in enumerate(_TOKEN.finditer(question)):
        token = match.group(0)
        if token.count(".") == 1:  # a full stop, not "U.S."
            token = token.rstrip(".")
        figure = token[:1].isdigit()
        if figure and (YEAR.fullmatch(token) or sum(ch.isdigit() for ch in token) < 3):
            continue
        if n and (token[:1].isupper() or figure):
            words = [w for w in _parts(token) if len(w) > 1 and w not in _NOT_NAMES]
            if words:
                names.setdefault(token, set()).update(_STEMMER.stemWords(words))
    return names


def plain_words(text: str) -> list[str]:
    """Words as names are compared: lower case, without dots or a possessive ("U.S." is "us",
    "Biden's" is "biden"), hyphenated ones in parts, stemmed ("Americans" is "american")."""
    return _STEMMER.stemWords([part for match in _TOKEN.finditer(text) for part in _parts(match.group(0))])


def _parts(token: str) -> list[str]:
    word = token.lower().replace(".", "").replace(",", "").replace("’", "'")
    word = re.sub(r"(n't|'(s|m|d|ll|re|ve)?)$", "", word)  # "Biden's", "I'm", "Don't"
    return [part for part in re.split(r"[-&_]", word) if part]
