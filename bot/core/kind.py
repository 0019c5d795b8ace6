"""The kind of answer a question asks for, and the spans of that kind a sentence holds.

"Which state…" asks for a place, "Who…" for a person, "How long…" for a
duration. A sentence answers such a question only if it holds a span of that
kind that the question does not already hold; the first such span of the
quoted sentences that the rules are sure of is the short answer shown before
the quote.

Spans are found by rules over the sentence's text: names (``bot.core.names``),
figures for numbers, a number and a unit of time for durations, and calendar
expressions for dates. Measured on the dev set's answers against spaCy's small
English pipeline (en_core_web_sm 3.8, its entities mapped to the same kinds):
the rules' short answer was right 18 times in 72 shown (18 in 29 where the
quote held the gold answer), spaCy's 18 in 81 (18 in 31); with the pipeline,
every new process would also load for about three seconds (it imports
PyTorch), which a cold `newsqa ask` cannot afford. Ranking sentences by
spaCy's entities instead of these rules answered 3 more dev questions and 1
fewer (answer_hit 49 -> 51 of 154), while finding them at indexing would take
about 4 ms a sentence on two CPU cores (some 70,000 sentences in the dev set:
more than the whole indexing takes now): not kept.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.names import ORGANISATION, PLACE, Span, names_of
from bot.core.stated import MONTH
from bot.core.words import FIGURE, WEEKDAYS, YEAR, countries, fold, places, plain_words, subdivisions

PERSON, NUMBER, PERCENTAGE, DURATION, DATE, TITLE, NAME = (
    "person", "number", "percentage", "duration", "date", "title", "name"
)  # fmt: skip
# ORGANISATION and PLACE are also types of names (``bot.core.names``).
LOCATION = "location"  # "where…?": the place something happened, a place the sentence puts something in
# Narrower readings of "which place" and "when": a state is no country, a year no month.
COUNTRY, REGION, YEAR_ASKED, MONTH_ASKED, CLOCK = "country", "region", "year", "month", "time of day"
CITY = "city"  # "which city…?": a place that is no country
MONEY = "amount of money"  # "at what price…?": a narrower reading of a number
SCORE = "score"  # "what was the final score…?": "84-82"
AGE = "age"  # "how old is…?": "13" of "a 13-year-old", not the game's "40 years"

# "which" or "what", and up to two words before the thing asked for ("which US state", "which classic video game").
_THING = r"(?:which|what)\s+(?:(?!(?:by|in|of|to|for|from|at|on|with|is|was|are|were|did|does|do)\b)[\w'’-]+\s+){0,2}?"
# What a person is asked for as: "Which politician…", "Who was MVP?".
_ROLES = (
    r"(?:politician|player|singer|actor|actress|president|leader|ceo|star|rapper|artist|author|candidate|minister|"
    r"senator|governor|judge|musician|athlete|champion|director|comedian|billionaire|celebrity|host|coach|driver|"
    r"footballer|golfer|official|man|woman|prince|princess|king|queen|pope|lawmaker|chef|writer|journalist|founder|"
    r"executive|boxer|striker|superstar|public figure|mvp|speaker|prime minister|chancellor|mayor|chairman|chair)"
)
# Checked in this order: "which US state" is a place, not a person ("who").
_ASKED = [
    # "Who is/was <a name and nothing else>?": no kind (see :func:`kind_asked`)
    (None, re.compile(
        r"^\s*(?i:who(?:'s|’s|\s+is|\s+was|\s+are|\s+were))\s+"
        rf"(?!(?i:{_ROLES})\s*\??\s*$)"  # "Who was MVP?" asks for a person
        r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*\s*\??\s*$")),
    (DURATION, re.compile(r"\bhow long\b|\bfor how many (?:years|months|weeks|days|hours)\b", re.IGNORECASE)),
    (PERCENTAGE, re.compile(r"\bwhat (?:percentage|percent|share|proportion)\b|\bby what percent", re.IGNORECASE)),
    # a game's ("the credit score threshold" is a number)
    (SCORE, re.compile(
        r"\bwhat (?:was|is|were) the (?:final |half-?time |game's |match's )?score\b|\bby what score\b",
        re.IGNORECASE)),
    # "how much…" asks for money only when it says so: "how much rain fell?", "how much time did they spend…?"
    # and "how much did the Fed raise rates?" ask for a number
    (MONEY, re.compile(
        r"\b(?:at|for) what (?:price|cost)\b|\bwhat (?:price|cost)\b|\bwhat (?:was|is|were|are|will be) the (?:\w+ )?"
        r"(?:cost|price|fine|salary|budget)\b|\bhow much (?:money\b|(?!time\b)(?:[\w'’-]+\s+){0,8}?(?:cost|costs|pay"
        r"|paid|charge|charged|earn|earned|worth)\b)", re.IGNORECASE)),
    # someone's or something's age; "what is the minimum age…?" asks for a rule ("users must be 13 or older")
    (AGE, re.compile(r"\bhow old\b|\bwhat age\b|\bwhat (?:is|was|are|were) (?:his|her|their|its|the) age\b",
                     re.IGNORECASE)),
    (NUMBER, re.compile(
        r"\bhow (?:many|much|far|big|large|tall|often)\b|\bwhat (?:was|is|were|are) the (?:\w+ )?(?:number|toll"
        r"|death toll|total|amount|age|rate|sum|value|score)\b|\bwhat (?:number|amount|fraction|score)\b"
        r"|\bby how much\b|\bat what rate\b", re.IGNORECASE)),
    (CLOCK, re.compile(r"\b(?:what|which|at what) time\b", re.IGNORECASE)),
    (YEAR_ASKED, re.compile(rf"\b{_THING}year\b", re.IGNORECASE)),
    (MONTH_ASKED, re.compile(rf"\b{_THING}month\b", re.IGNORECASE)),
    (DATE, re.compile(
        rf"^\s*when\b|\b{_THING}(?:year|date|day|month|time)\b|\bwhen (?:is|was|will|did)\b", re.IGNORECASE)),
    (LOCATION, re.compile(r"^\s*where\b|\bwhere (?:is|was|were|did|will|does)\b", re.IGNORECASE)),
    (COUNTRY, re.compile(rf"\b{_THING}(?:countr(?:y|ies)|nations?)\b", re.IGNORECASE)),
    (REGION, re.compile(rf"\b{_THING}(?:states?|provinces?|county|counties|territory|territories)\b", re.IGNORECASE)),
    (CITY, re.compile(rf"\b{_THING}(?:city|cities|towns?|villages?|capital)\b", re.IGNORECASE)),
    (PLACE, re.compile(
        rf"\b{_THING}(?:"
        r"region|island|continent|place|location|venue|"
        r"stadium|airport|port|border|neighbou?rhood|district)\b", re.IGNORECASE)),
    (ORGANISATION, re.compile(
        rf"\b{_THING}(?:compan(?:y|ies)|airlines?|carrier|organi[sz]ations?|teams?|club|university|college|school|"
        r"agency|party|network|automaker|carmaker|brand|group|bank|firm|retailer|newspaper|broadcaster|channel|"
        r"manufacturer|start-?up|chain|union|league|institution|studio|outlet|publisher|charity|tech giant|giant|"
        r"streaming service|service|platform|conference|government|department|ministry|court|committee)\b",
        re.IGNORECASE)),
    (TITLE, re.compile(
        rf"\b{_THING}(?:film|movie|book|song|album|show|series|video game|game|play|novel|documentary|musical"
        r"|painting|podcast)\b", re.IGNORECASE)),
    (PERSON, re.compile(
        rf"^\s*(?:who|whom|whose)\b|\bwho (?:is|was|were|will|did|has|had|won|beat|became)\b|\b{_THING}"
        rf"(?:person|people|{_ROLES}|member of|character)\b", re.IGNORECASE)),
    # Any other name: "What is the name of the storm…?", "What is it called?", "Which beer…?"
    (NAME, re.compile(
        r"\bwhat (?:is|was|were|are) (?:the )?names?\b|\bcalled\b|\bnamed\b|^\s*which\b|\bwhich \w+", re.IGNORECASE)),
]  # fmt: skip

_WHICH = re.compile(r"\s*(?:which|what)\s+", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“](?P<t>[^\"“”]{2,80})[\"”]")
_TITLE_WORDS = 8
_SPEECH = re.compile(r"[,.!?;]")
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century)"
_NUMBER_WORDS = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|dozens?)"
)
# "a second explosion" is no duration; "a week", "three years", "several months" are.
_DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS}|one|several|a few|an?(?!\s+second\b))"
    rf"(?:[\s-]+(?:and a half|half))?[\s-]+{_UNIT}\b",
    re.IGNORECASE,
)
_WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
_DATE = re.compile(
    rf"\b(?:(?:{_WEEKDAY},?\s+)?{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?|{MONTH}\s+\d{{4}}"
    rf"|{_WEEKDAY})\b|{YEAR.pattern}",
    re.IGNORECASE,
)
# A date names its month or weekday with a capital ("January 3", not "12 may have died").
_CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z]")
# What "what time", "which year" and "which month" ask for.
_WHEN_PARTS = {
    CLOCK: re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b(?:noon|midnight)\b", re.IGNORECASE),
    YEAR_ASKED: YEAR,
    # Full names only: "Jan. 29" is mostly when something opened, not the month asked for (dev set: -1 with them).
    MONTH_ASKED: re.compile(
        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    ),
}
# A game's result: "84-82", "7–4" (no season, "2023-24", nor a team's record, "Princeton Tigers (11-1)").
_SCORE = re.compile(r"(?<![\w.,(-])\d{1,3}\s?[-–]\s?\d{1,3}(?![\w)-])(?![.,]\d)")
# An amount of money: "$35", "£14.4 million", "$7m", "£5bn", "35 dollars", "99 cents".
_AMOUNT = r"\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s+(?:thousand|million|billion|trillion)\b|(?:k|m|bn)\b)?"
_MONEY = re.compile(
    rf"[$£€¥]\s?{_AMOUNT}(?![\w])|\b{_AMOUNT}\s+(?:dollars|pounds|euros|yen|cents|pence)\b", re.IGNORECASE
)
_PERCENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:%|\s+per\s?cent\b)", re.IGNORECASE)
# The kinds whose spans are found by how they are written.
_WRITTEN = {SCORE: _SCORE, MONEY: _MONEY, PERCENTAGE: _PERCENT, DURATION: _DURATION, DATE: _DATE, **_WHEN_PARTS}
# Counts in words; not "one", which is mostly no count ("no one was hurt", "one of the deadliest").
# Not a word's part either: "two-time champion" counts nothing.
_COUNT_WORDS = re.compile(rf"\b{_NUMBER_WORDS}(?:\s+(?:hundred|thousand|million|billion))?\b(?!-)", re.IGNORECASE)
# Counts too vague to answer "how many" or "how much" on their own ("the millions of those trucks Ford sold").
_VAGUE = frozenset({"hundreds", "thousands", "millions", "billions", "dozens"})
# An age: "the 16-year-old", "aged 16", "16 years old", "at the age of 16" (not "3.5 years old"'s "5").
_AGE = re.compile(
    r"(?<![\d.,])(?:\b(?P<n>\d{1,3})-year-old\b|\b(?P<o>\d{1,3}) years? old\b)"
    r"|\b(?:aged|age of|age) (?P<m>\d{1,3})\b(?![.,]\d)"
    r"|(?P<name>\b(?-i:[A-Z])[\w'’.-]*), (?P<a>\d{1,3}),(?!\d)",  # after a name, between commas: "Willis Gibson, 13,"
    re.IGNORECASE,
)
# A name pointed at is a thing ("The FAA is issuing this AD", the directive), not who did something.
_POINTED = re.compile(r"\b(?:this|that|these|those)\s+$", re.IGNORECASE)
# Words putting what comes next as where something is or happens: "in Iran", "near the Kerman cemetery".
_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|across|throughout|around|off|on)\s+(?:the\s+)?$", re.IGNORECASE)


def kind_asked(question: str) -> str | None:
    """What ``question`` asks for: one of the kinds above, or None when it asks for something else.

    "Who is Luke Littler?" asks what someone is, not for another person: it
    was answered **Rob Cross**, the player he beat in the semi-final.
    """
    return what_is_asked(question)[0]


def what_is_asked(question: str) -> tuple[str | None, str]:
    """The kind ``question`` asks for (:func:`kind_asked`), and the words it names what it asks for with:
    "former president" in "Which former president scored an Emmy…?", "state" in "Which state held…?"; "" when
    it names none ("Who won…?")."""
    for kind, pattern in _ASKED:
        match = pattern.search(question)
        if match:
            said = _WHICH.match(match.group(0))
            return kind, match.group(0)[said.end() :] if said else ""
    return None, ""


def spans_of(kind: str, sentence: str) -> list[Span]:
    """The spans of ``sentence`` that may answer a question asking for ``kind``, in order."""
    if kind == NUMBER:
        return _numbers(sentence)
    if kind == AGE:
        return _ages(sentence)
    if kind in _WRITTEN:
        return [Span(m.group(0), m.start()) for m in _WRITTEN[kind].finditer(sentence)]
    names = names_of(sentence)
    if kind in (TITLE, NAME):
        return [Span(m.group("t").strip(), m.start("t"), TITLE) for m in _QUOTED.finditer(sentence)] + names
    if kind == PERSON:  # a person's name is neither a place's nor an organisation's, nor inside a quoted title
        quoted = [(m.start("t"), m.end("t")) for m in _QUOTED.finditer(sentence) if _is_title(m.group("t"))]
        names = [n for n in names if not any(a <= n.start < b for a, b in quoted)]
        names = [n for n in names if not _POINTED.search(sentence[: n.start])]  # "this AD": a thing, no one
        return [n for n in names if n.kind is None] or [n for n in names if n.kind == ORGANISATION]
    if kind in (COUNTRY, REGION):  # "which state…?": no country answers it, nor a state "which country…?"
        wanted, other = (countries(), subdivisions()) if kind == COUNTRY else (subdivisions(), countries())
        typed = [n for n in names if n.kind == PLACE and fold(n.text) in wanted]
        unsure = [replace(n, kind=None) for n in typed if fold(n.text) in other]  # "Georgia", "Mexico": both
        return [n for n in typed if fold(n.text) not in other] + unsure + [n for n in names if n.kind is None]
    if kind == CITY:  # "which city was attacked?": not Iran; the rules know no cities, so none is sure
        return [replace(n, kind=None) for n in names if n.kind in (PLACE, None) and fold(n.text) not in countries()]
    if kind == LOCATION:  # "accusations were made against Israel" puts nothing in Israel
        placed = [n if _LOCATIVE.search(sentence[: n.start]) else replace(n, kind=None) for n in names]
        return [n for n in placed if n.kind == PLACE] + [n for n in placed if n.kind is None]
    typed = [n for n in names if n.kind == kind]
    return typed + [n for n in names if n.kind is None]


def _is_title(quoted: str) -> bool:
    """Whether a quoted text reads as a title ("Into the Groove"), not as speech ("I lost to Rob Cross,"): a
    few words, no punctuation, each longer word capitalised."""
    words = quoted.split()
    return (
        len(words) <= _TITLE_WORDS and not _SPEECH.search(quoted) and all(w[:1].isupper() for w in words if len(w) > 3)
    )


def answers_kind(kind: str | None, sentence: str, asked: frozenset[str]) -> bool:
    """Whether ``sentence`` holds a span of the asked kind that the question lacks (any sentence, for no kind)."""
    return kind is None or bool(new_spans(kind, sentence, asked))


def kind_fit(kind: str, sentence: str, asked: frozenset[str], unsure: float) -> float:
    """1 when ``sentence`` holds a new span surely of the asked kind, ``unsure`` when only a name the rules
    cannot type (asked for a place: "Kerman"; asked for a person: a one-word name), else 0."""
    new = new_spans(kind, sentence, asked)
    if not new:
        return 0.0
    return 1.0 if any(is_sure(kind, span) for span in new) else unsure


def new_spans(kind: str, sentence: str, asked: frozenset[str]) -> list[Span]:
    """The spans of ``sentence`` of the asked kind with a word not among ``asked``; for a person, with a
    last name not among them ("French President Emmanuel Macron" is who "Who did Macron appoint?" names)."""
    spans = [span for span in spans_of(kind, sentence) if set(plain_words(span.text)) - asked]
    if kind == PERSON:
        spans = [span for span in spans if plain_words(span.text)[-1] not in asked]
    return spans


def is_sure(kind: str, span: Span) -> bool:
    """Whether the rules can tell ``span`` is of ``kind``: "who" is answered by a full name or an acronym ("ISIS")."""
    if kind == PERSON:
        return (span.kind is None and " " in span.text) or span.text.isupper() or span.kind == ORGANISATION
    if kind in (PLACE, ORGANISATION):
        return span.kind == kind
    if kind in (LOCATION, COUNTRY, REGION):
        return span.kind == PLACE
    if kind == TITLE:  # quoted and written as a title ("Oppenheimer", not the "kill screen."); any capitalised
        return span.kind == TITLE and _is_title(span.text)  # run may be a title or not
    if is_vague(span):  # a count, but no answer
        return False
    return kind not in (NAME, CITY)  # any name may be the one asked for; the rules know no cities


def is_vague(span: Span) -> bool:
    """Whether ``span`` is a count too vague to answer with ("millions")."""
    return span.text.lower() in _VAGUE


def _numbers(sentence: str) -> list[Span]:
    """Counts and amounts: no year, and no day of a date ("killed … on January 3, 2020" counts nobody)."""
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence) if _CAPITALISED_WORD.search(m.group(0))]
    found = [
        Span(m.group(0), m.start())
        for m in FIGURE.finditer(sentence)
        if not YEAR.fullmatch(m.group("n")) and not any(a <= m.start("n") and m.end("n") <= b for a, b in dates)
    ]
    # one count where two are read at one place: "$1.7 billion" holds no "billion", "99 years old" no second 99
    for more in ([Span(m[0], m.start()) for m in _COUNT_WORDS.finditer(sentence)], _ages(sentence)):
        taken = [(span.start, span.start + len(span.text)) for span in found]
        found += [span for span in more if not any(a <= span.start < b for a, b in taken)]
    return sorted(found, key=lambda s: s.start)


def _ages(sentence: str) -> list[Span]:
    """Ages: "the 16-year-old", "aged 16", "16 years old" (the number alone)."""
    found = []
    for m in _AGE.finditer(sentence):
        if m["a"] and fold(m["name"].rstrip(".")) in places():  # "Norway, 16, Germany, 12": medals, not ages
            continue
        group = next(g for g in ("n", "o", "m", "a") if m[g])
        found.append(Span(m[group], m.start(group)))
    return found
