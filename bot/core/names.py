"""Names in a sentence: runs of capitalised words, typed where the rules can tell.

A name is typed as a place by the country and subdivision names of ISO 3166
or by the word that ends it ("Alexandra Palace"), as an organisation
("Alaska Airlines") or an event ("World Darts Championship") by the word that
ends it; other names are left untyped (a person, or anything else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.stated import MONTH
from bot.core.words import CALENDAR, NOT_NAMES, countries, fold, places

PLACE, ORGANISATION = "place", "organisation"
EVENT = "event"  # a name's type only: no question is read as asking for one


@dataclass(frozen=True)
class Span:
    """A piece of a sentence of some kind: its text and where it starts."""

    text: str
    start: int
    kind: str | None = None  # for names: PLACE, ORGANISATION, EVENT, or None when the rules cannot tell


# A name ends with an organisation's word: "Alaska Airlines", "Boeing Co.", "University of Iowa".
_ORGANISATION_WORDS = frozenset(
    "airlines airways air inc corp corporation co company ltd llc plc group bank university college institute academy "
    "school party association council ministry department agency motors fc united club foundation commission "
    "committee court network news times post journal press studios entertainment pictures records league "
    "federation union board authority police army navy force forces service services industries holdings "
    "technologies systems labs hospital church".split()
)
# A name ends with a building's or a site's word ("Alexandra Palace", "Allegiant Stadium"): a place, no person.
_SITE_WORDS = frozenset(
    "palace stadium arena airport bridge square street avenue hotel museum theatre theater center centre gardens "
    "cathedral".split()  # not "Hall", "Field" or "Park": surnames too
)
# ...or a place's ("Gwinnett County", "Rehoboth Beach"): not "Lake" or "Rivers", surnames too, nor "State", "City"
# or "Bay", which end teams' and groups' names ("Kansas City", "Ohio State", "Tampa Bay", "Islamic State").
_PLACE_WORDS = frozenset("county province island islands valley coast beach".split())
# A name ends with an event's word ("World Darts Championship", "Iowa Caucuses"): neither a person nor a place.
_EVENT_WORDS = frozenset(
    "championship championships cup open games olympics tournament festival awards award prize summit election "
    "elections caucus caucuses primary primaries war conference convention marathon series show week day act prix "
    "bowl derby tour poll".split()
)
# Capitalised words that open a sentence or a clause without naming anything.
_OPENERS = NOT_NAMES | frozenset(
    "this that these those it its he she they we i you his her their our my your there here "
    "in on at of for from by with after before during while when where what which who why how but and or "
    "so yet if as since until although though however meanwhile also still then now today yesterday "
    "last next earlier later according some many most several all both each every no not one two three "
    "mr mrs ms dr sir breaking live watch read see photo video related update updated".split()
)
# Countries that are also given names: opening a sentence, more often a person ("Jordan scored 30 points").
_GIVEN_NAMES = frozenset({"jordan", "chad", "georgia"})
_JOINERS = frozenset({"of", "de", "for", "the", "&", "von", "van", "der", "al", "bin", "la", "le", "du"})
_POSSESSIVE = re.compile(r"['’]s$|(?<=s)['’]$")  # "Iran's", "Alaska Airlines'"
# What turns a name into a description of something else: "Award-winning", "California-based", "Iran-backed"
# ("Lai Ching-te" is a name).
_DESCRIBING = re.compile(
    r"winning|nominated|based|born|bred|led|run|owned|backed|funded|made|built|style|like|era|bound|themed|linked"
    r"|allied|aligned|affiliated|controlled|sponsored|focused|centred|centered|leaning|speaking|loving|friendly"
)  # not any "-ing": "Jimmy Lai Chee-ying", "Lam Cheuk-ting" are names
_MONTH = re.compile(MONTH)
_INITIAL_END = re.compile(r"(?:^|[\s.])[A-Z]\.[,’']*$")
_WORD = re.compile(r"[\w'’.&-]+")
# A dateline opening a report: "WASHINGTON (AP) —", "LONDON (Reuters) -", "BOONE, Iowa —".
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .,'’-]*[A-Z](?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?\s*(?:\([^)]*\))?\s*[—–-]\s+"
)


def names_of(sentence: str) -> list[Span]:
    """Runs of capitalised words ("Luke Humphries", "University of Iowa"), typed where the rules can tell.

    A single word opening the sentence ("Passengers said…"), a run in
    capitals and a dateline ("WASHINGTON (AP) —") are not taken for names; a
    single word in capitals ("ISIS") is, and so is a country opening it
    ("Greece has legalized…"; not "Jordan scored…", a given name too). A possessive ends a name ("Iran's
    Supreme Leader").
    """
    runs: list[Span] = []
    dateline = _DATELINE.match(sentence)
    if dateline:  # blanked, offsets kept
        sentence = " " * dateline.end() + sentence[dateline.end() :]
    words = list(_WORD.finditer(sentence))
    i = 0
    while i < len(words):
        if not _is_name_word(words[i].group(0)):
            i += 1
            continue
        j = i + 1
        while (
            j < len(words)
            and not sentence[words[j - 1].end() : words[j].start()].strip()  # no comma between
            and not _POSSESSIVE.search(words[j - 1].group(0))  # "Iran's Supreme Leader": two names
        ):
            word = words[j].group(0)
            if (
                _is_name_word(word)
                or (word[:1].isdigit() and word[-1:].isalpha())
                or (  # "Philadelphia 76ers"
                    word.lower() in _JOINERS and j + 1 < len(words) and _is_name_word(words[j + 1].group(0))
                )
            ):
                j += 1
            else:
                break
        joined = j < len(words) and not sentence[words[j - 1].end() : words[j].start()].strip()
        if joined and _describes(words[j].group(0)):  # "a New York-based firm": "New" is part of the description
            i = j + 1
            continue
        start, end = words[i].start(), words[j - 1].end()
        raw = sentence[start:end]
        # a full stop ends no name, but the dot of an initial does: "U.S." ("… in the U.S.": both at once)
        text = _POSSESSIVE.sub("", raw.rstrip(",’'") if _INITIAL_END.search(raw) else raw.rstrip(".,’'"))
        opening = i == 0 and j == 1 and not text.isupper() and not _opening_country(text)
        capitals = j - i > 1 and text.isupper()  # a heading or a dateline in capitals
        if text and not opening and not capitals:
            runs.append(Span(text, start, _type_of(text)))
        i = j
    return runs


def _describes(word: str) -> bool:
    """Whether a word is an adjective made of a name and a lower-case word ("Award-winning", "York-based"): the
    name in it, and the words of it before ("New York-based"), are another's, not a name of this sentence."""
    return "-" in word and _DESCRIBING.fullmatch(word.rsplit("-", 1)[1]) is not None


def _opening_country(word: str) -> bool:
    """Whether a sentence's first word names a country, not also a person or a compass point ("Western
    lawmakers…" is no state: subdivisions are left out)."""
    return fold(word) in countries() and word.lower() not in _GIVEN_NAMES


def _is_name_word(word: str) -> bool:
    """A capitalised word that may be part of a name: no opener, no month or weekday, no description."""
    plain = _POSSESSIVE.sub("", word.lower().strip(".’'"))
    return (
        word[:1].isupper()
        and not _describes(word)
        and plain not in _OPENERS
        and plain not in CALENDAR
        and not _MONTH.fullmatch(plain)
    )


def _type_of(name: str) -> str | None:
    if fold(name) in places():  # first: "United States of America" is no organisation
        return PLACE
    words = name.replace("’", "'").split()
    last = words[-1].lower().rstrip(".") if words else ""
    if last in _ORGANISATION_WORDS or (len(words) > 2 and words[0].lower() in _ORGANISATION_WORDS):
        return ORGANISATION
    if len(words) > 1 and (last in _SITE_WORDS or last in _PLACE_WORDS):
        return PLACE
    if len(words) > 1 and last in _EVENT_WORDS:
        return EVENT
    return None
