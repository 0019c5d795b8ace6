"""The words of questions and sentences as the answer compares them: names, figures, plain stems."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from index.keyword import stems, tokenize

YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")  # a year dates an event; it counts nothing
# A number as a figure is written: "84", "1,200", "$3.5 million", "12%".
FIGURE = re.compile(
    r"(?<![\w.'’-])\$?(?P<n>\d(?:[\d,]*\d)?(?:\.\d+)?)%?(?![\w'’-])(?:\s+(?:million|billion|thousand))?"
)
# Capitalised words after a sentence's first, and numbers: what answers to news questions mostly are.
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’.-]*[A-Za-z0-9]|\$?\d[\d,.]*%?")
# Prefixes that make another thing of a word: a "semi-final" is no final, a "vice-president" no president;
# before a name they do not ("anti-Israel protests" are about Israel).
_OTHER_THING = re.compile(r"\b((?i:semi|quarter|vice|ex|non|anti))-(?=[a-z])")
# Acronyms of two letters written out: any two words of an article spell some two-letter acronym ("annual
# income", "also includes": "AI"), so only these count. Longer ones are spelled out by any run of words.
_WRITTEN_OUT = {"ai": "artificial intelligence", "ev": "electric vehicle", "ip": "intellectual property"}
_SMALL_WORDS = ("of", "and", "the", "for", "on", "in")
# Countries as news names them where ISO 3166 does not.
_SHORT_COUNTRY_NAMES = (
    "russia", "turkey", "vietnam", "south korea", "north korea", "syria", "iran", "laos", "moldova", "tanzania",
    "venezuela", "bolivia", "czech republic", "ivory coast", "palestine", "us", "u.s.", "uk", "u.k.", "britain",
    "england", "scotland", "wales", "northern ireland", "gaza", "west bank",
)  # fmt: skip
_CAPITALISED_RUN = re.compile(rf"[A-Z][A-Za-z]*(?:\s+(?:(?:{'|'.join(_SMALL_WORDS)})\s+)*[A-Z][A-Za-z]*)+")
_NUMBER_SIGN = re.compile(r"No\.?|Nos\.")
_TOKEN = re.compile(r"\d[\d,.]*\d|[\w'’.&-]+")
# Capitalised words that start a clause of a question rather than name anything.
NOT_NAMES = frozenset(
    "a an and according as at be but by did do does for from had has have he her his how i if in is it its of on "
    "or she so that the their them there these they this those to was we were what when where which who whom whose "
    "why will with would you please thanks hi hello hey ok okay can could should might must shall".split()
)


# Days and months date an event; they do not name what a question is about.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CALENDAR = frozenset(
    "january february march april may june july august september october november december".split() + list(WEEKDAYS)
)
# Where a report comes from, not what it is about: "…, according to an NBC investigation?"
_ATTRIBUTION = re.compile(r"\b(?:according to|reported by|says?|said)\b[^?!.;]*", re.IGNORECASE)
# Names an article may write another way: a country, its people and its abbreviation.
_VARIANTS = [
    "britain british uk", "america american americans us usa", "europe european eu", "china chinese",
    "russia russian", "ukraine ukrainian", "israel israeli", "mexico mexican", "canada canadian",
    "france french", "germany german", "japan japanese", "india indian", "iran iranian", "korea korean",
    "zelensky zelenskyy",
]  # fmt: skip


def terms_of(texts: list[str]) -> list[list[str]]:
    """The keyword stems of each text, as sentences are matched with a question's words: a word after a
    prefix that makes another thing of it is one word with it ("semi-final" is "semifin", not "final")."""
    return tokenize([_OTHER_THING.sub(r"\1", text) for text in texts])


def capitalised(text: str) -> set[str]:
    """The capitalised words (not opening a sentence) and numbers of ``text``, as written."""
    return set(_CAPITALISED.findall(text))


def names_in(question: str) -> dict[str, set[str]]:
    """The names a question is about, as written ("Rees-Zammit", "U.S."), each with the plain words an
    article may name it by ({"rees", "zammit"}, "British": {"uk", "britain", …}).

    Capitalised words count unless they only open a clause ("Which", "How").
    The first word counts when it is a place or people ("Israel is grappling
    with…", "Mexican drug cartels…") or starts a longer name ("Luke Littler
    is…"), not when it only opens the sentence ("Annual sales…", "Latest
    data…"). Figures do not count: an article may round them ("more than
    112,000" for 112,965). Days, months and who reported something
    ("according to an NBC investigation") are left out. Lower-case questions
    name nothing this way.
    """
    names: dict[str, set[str]] = {}
    tokens = list(_TOKEN.finditer(_ATTRIBUTION.sub(" ", question)))
    for i, match in enumerate(tokens):
        token = match.group(0)
        if token.count(".") == 1:  # a full stop, not "U.S."
            token = token.rstrip(".")
        if not token[:1].isupper() or (i == 0 and not _names_something(token, tokens[1:2])):
            continue
        if _NUMBER_SIGN.fullmatch(match.group(0)) and tokens[i + 1 : i + 2] and tokens[i + 1].group(0)[:1].isdigit():
            continue  # "No. 1" in the charts: a rank, no name
        words = [w for w in _parts(token) if len(w) > 1 and w not in NOT_NAMES and w not in CALENDAR]
        if words:
            names.setdefault(token, set()).update(_variants(stems(words)))
    return names


def _names_something(first: str, after: list[re.Match]) -> bool:
    """Whether a question's first word is a name: a place or people, or the start of a longer name."""
    plain = re.sub(r"['’]s?$", "", first.lower())
    known = plain in places() or any(plain in group.split() for group in _VARIANTS)
    return known or bool(after and after[0].group(0)[:1].isupper())


def initials(text: str) -> set[str]:
    """The initials of each run of two to five capitalised words of ``text``, lower case ("Federal
    Aviation Administration": "faa"; "Department of Justice": "dj" and, with its small words, "doj").

    Runs of lower-case words are left out: any two words would spell some
    two-letter acronym ("under scrutiny": "us").
    """
    found: set[str] = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group(0).split()
        for kept in (words, [w for w in words if w.lower() not in _SMALL_WORDS]):
            letters = "".join(w[0].lower() for w in kept)
            for n in range(2, 6):
                found.update(letters[i : i + n] for i in range(len(letters) - n + 1))
    return found


def spelled_out(acronym: str, text: str) -> bool:
    """Whether ``text`` writes ``acronym`` out in lower-case words ("GDP": "gross domestic product"): one word
    for each letter, next to each other, each of four letters or more and no stop word, so that no run of
    small words spells it; for two letters, only as ``_WRITTEN_OUT`` has it ("AI": "artificial intelligence")."""
    letters = acronym.lower()
    if len(letters) == 2:
        return letters in _WRITTEN_OUT and re.search(rf"\b{_WRITTEN_OUT[letters]}", text, re.IGNORECASE) is not None
    run = r"[\s-]+".join(f"{c}[a-z]{{3,}}" for c in letters)
    return any(len(tokenize([m.group(0)])[0]) == len(letters) for m in re.finditer(rf"\b{run}\b", text))


@cache
def places() -> frozenset[str]:
    """Country and subdivision names (ISO 3166, as pycountry ships them), folded (:func:`fold`)."""
    return countries() | subdivisions()


@cache
def countries() -> frozenset[str]:
    """Country names (ISO 3166-1), folded; a country is also known by its name before a comma ("Iran,
    Islamic Republic of": "iran") and by the few short names the tables lack."""
    import pycountry  # its tables are read on first use only

    names: set[str] = set(_SHORT_COUNTRY_NAMES)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names |= {fold(value), fold(value.split(",")[0])}
    return frozenset(names)


@cache
def subdivisions() -> frozenset[str]:
    """The names of countries' states, provinces, counties and regions (ISO 3166-2), folded."""
    import pycountry

    return frozenset(fold(division.name) for division in pycountry.subdivisions)


def fold(text: str) -> str:
    """Lower case without accents: "Kermān" is "kerman", "Türkiye" is "turkiye"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
