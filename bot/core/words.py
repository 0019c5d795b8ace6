"""The words of questions and sentences as the answer compares them: names, figures, plain stems."""

from __future__ import annotations

import re

from index.keyword import stems

YEAR = re.compile(r"(?:1[89]|20)\d\d")  # a year dates an event; it counts nothing
# A number as a figure is written: "84", "1,200", "$3.5 million", "12%".
FIGURE = re.compile(
    r"(?<![\w.'’-])\$?(?P<n>\d(?:[\d,]*\d)?(?:\.\d+)?)%?(?![\w'’-])(?:\s+(?:million|billion|thousand))?"
)
# Capitalised words after a sentence's first, and numbers: what answers to news questions mostly are.
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’.-]*[A-Za-z0-9]|\$?\d[\d,.]*%?")
_TOKEN = re.compile(r"\d[\d,.]*\d|[\w'’.&-]+")
# Capitalised words that start a clause of a question rather than name anything.
_NOT_NAMES = frozenset(
    "a an and according as at be but by did do does for from had has have he her his how i if in is it its of on "
    "or she so that the their them there these they this those to was we were what when where which who whom whose "
    "why will with would you please thanks hi hello hey ok okay".split()
)


# Days and months date an event; they do not name what a question is about.
CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# Where a report comes from, not what it is about: "…, according to an NBC investigation?"
_ATTRIBUTION = re.compile(r"\b(?:according to|reported by|says?|said)\b[^?!.;]*", re.IGNORECASE)
# Names an article may write another way: a country, its people and its abbreviation.
_VARIANTS = [
    "britain british uk", "america american americans us usa", "europe european eu", "china chinese",
    "russia russian", "ukraine ukrainian", "israel israeli", "mexico mexican", "canada canadian",
    "france french", "germany german", "japan japanese", "india indian", "iran iranian", "korea korean",
    "zelensky zelenskyy",
]


def capitalised(text: str) -> set[str]:
    """The capitalised words (not opening a sentence) and numbers of ``text``, as written."""
    return set(_CAPITALISED.findall(text))


def names_in(question: str) -> dict[str, set[str]]:
    """The names and figures a question is about, as written ("Rees-Zammit", "112,000"), each with
    the plain words an article may name it by ({"rees", "zammit"}, {"112000"}, "British": {"uk", …}).

    Capitalised words count, the first one too ("Israel is grappling with…"),
    unless they only open a clause ("Which", "How"); so do figures of three
    digits or more other than years (an article about "the 2024 race" or "the
    past 48 hours" need not repeat the year or the count). Days, months and who
    reported something ("according to an NBC investigation") are left out.
    Lower-case questions name nothing this way.
    """
    names: dict[str, set[str]] = {}
    for match in _TOKEN.finditer(_ATTRIBUTION.sub(" ", question)):
        token = match.group(0)
        if token.count(".") == 1:  # a full stop, not "U.S."
            token = token.rstrip(".")
        figure = token[:1].isdigit()
        if figure and (YEAR.fullmatch(token) or sum(ch.isdigit() for ch in token) < 3):
            continue
        if token[:1].isupper() or figure:
            words = [w for w in _parts(token) if len(w) > 1 and w not in _NOT_NAMES and w not in CALENDAR]
            if words:
                names.setdefault(token, set()).update(_variants(stems(words)))
    return names


def _variants(words: list[str]) -> set[str]:
    found = set(words)
    for group in _VARIANT_STEMS:
        if found & group:
            found |= group
    return found


def plain_words(text: str) -> list[str]:
    """Words as names are compared: lower case, without dots or a possessive ("U.S." is "us",
    "Biden's" is "biden"), hyphenated ones in parts, stemmed ("Americans" is "american")."""
    return stems([part for match in _TOKEN.finditer(text) for part in _parts(match.group(0))])


def _parts(token: str) -> list[str]:
    word = token.lower().replace(".", "").replace(",", "").replace("’", "'")
    word = re.sub(r"(n't|'(s|m|d|ll|re|ve)?)$", "", word)  # "Biden's", "I'm", "Don't"
    return [part for part in re.split(r"[-&_]", word) if part]


_VARIANT_STEMS = [frozenset(stems(group.split())) for group in _VARIANTS]
