"""A question, read once: what it is about, what it asks for beyond its topic, and what it restricts.

Everything below the front ends takes a :class:`Question` and never reads the
raw text again: retrieval searches its topic, ranking compares sentences with
its terms and names, the answer arranges what it quotes by its order and
declines when the evidence misses its names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.core.kind import AGE, DURATION, MONEY, NUMBER, what_is_asked
from bot.core.language import is_english
from bot.core.short import anchors_of
from bot.core.stated import read_stated
from bot.core.words import FIGURE, capitalised, names_in, plain_words, terms_of
from index.filters import Filter

# Order words that ask about time, not rank: "who was blamed first?", not "the first woman to".
_EVENT = r"(?:the|a|an|his|her|their|its|this|that)"
_EARLIEST = re.compile(
    rf"\b(?:earliest|initially|originally|at first|prior to|(?:came|come|happened|occurred) first)\b"
    rf"|\bfirst\s*[?.!]*\s*$|\b\w+ed\s+first\b|(?<!the )(?<!a )\bfirst\s+\w+ed\b"
    rf"|\b(?:happened|came|occurred|took place)\s+(?:before|after)\s+{_EVENT}\b",
    re.IGNORECASE,
)
_LATEST = re.compile(r"\b(?:latest|most recent|newest)\b(?:\s+(?P<next>[\w'’-]+))?", re.IGNORECASE)
_LAST = re.compile(r"\bmost recently\b|\blast\s*[?.!]*\s*$", re.IGNORECASE)
# What "the latest" stands before when it asks for the newest reports ("the latest news on…"); before
# another noun it only describes it ("the latest Covid-19 vaccine", "latest data shows…").
_REPORTS = frozenset("news update updates report reports development developments word information".split())
# The words of a question about order that only say how to arrange the evidence.
_ORDER_WORDS = re.compile(
    r"\b(first|earliest|initially|originally|latest|most recent(ly)?|newest)\b|\blast(?=\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
# Where what a question asks ends and what it is asked of begins: "who was blamed | for the bombing…".
_PREPOSITIONS = frozenset(
    "for in near of at on after before during against over about from to with by since following".split()
)
# Words that point back at something said before: "who will he face?", "when is it?".
_POINTING_BACK = re.compile(
    r"\b(he|she|it|they|him|her|them|his|hers|its|their|this|that|these|those|there)\b", re.IGNORECASE
)
# ...but "this week" is now, not something said before ("that day" is)
_NOW = re.compile(r"\b(?:this|these)\s+(?:week|month|year|morning|afternoon|evening|weekend|season)s?\b", re.IGNORECASE)
# A question about what is still to come ("who will he face in the final?"); its answer is said the same way.
# "Will" opening a sentence asks it too; elsewhere it is a name ("Will Smith"). "Is due to" gives a cause.
_AHEAD = re.compile(
    r"\b(?:will|won['’]t|shall|(?:is|are|am|['’]s|['’]re)\s+(?:going|set|scheduled|expected)\s+to)\b|\w['’]ll\b"
    r"|(?:^|(?<=[.?!:]\s))Will\b"
)
# ...at someone: their names are no answer to it.
_PERSONAL = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """What a question asks, read once (see :func:`read_question`)."""

    text: str  # as asked, white space folded
    searched: str  # without the dates and sources it states
    topic: str  # what it is about: ``searched`` without its order words
    predicate: str  # what it asks of its subject, its topic up to the first preposition ("Who was blamed")
    stated: Filter  # the dates and sources it states
    today: date  # the day it is asked: "this week" and recency count from it
    order: str | None  # "earliest" or "latest" for a question about order
    kind: str | None  # what it asks for (``bot.core.kind``): "person", "place", "number", …
    anchors: frozenset[str]  # stems its answer's span sits beside ("how many were injured": "injur")
    names: dict[str, set[str]]  # names it is about, each with its plain words
    # the plain words of its text (``plain_words``), and of the conversation before it when it points back at
    # someone ("who will he face?": "he" is no answer; "who won it?" may be)
    words: frozenset[str]
    capitalised: frozenset[str]  # its topic's capitalised words and numbers, as written
    terms: frozenset[str]  # its topic's keyword stems
    figures: frozenset[str]  # numbers it gives itself (no answer to it)
    english: bool  # asked in English, the language of the articles and the model (``bot.core.language``)
    ahead: bool  # asks about what is still to come ("who will he face?"), not what happened
    points_back: bool  # names nothing of its own and points at what was said before ("when is it?")
    context: str | None = field(default=None)  # the earlier question it follows up
    # pointing back at someone named before, the topic with them named: "who did Raisi blame?" for "who did he
    # blame?" after "What did Raisi do?"
    resolved: str | None = field(default=None)

    @property
    def quantity(self) -> bool:
        """Whether it is answered by a number, an amount of money or of time, or an age ("how many…", "how long…",
        "how old…")."""
        return self.kind in (NUMBER, MONEY, DURATION, AGE)

    @property
    def search_topic(self) -> str:
        """What passages are searched for: the topic, with the question it follows up."""
        return topic_of(f"{self.context} {self.topic}") if self.context else self.topic


def read_question(text: str, today: date, sources: set[str] | None = None, context: str | None = None) -> Question:
    """Read ``text`` asked on ``today``; with ``sources`` (the indexed ones), also the dates and sources it states.

    Without ``sources`` nothing is taken as a restriction: the whole text is searched.
    """
    text = " ".join(text.split())
    searched, stated = read_stated(text, today, sources) if sources is not None else (text, Filter())
    topic = topic_of(searched)
    predicate = predicate_of(topic)
    kind, asked_as = what_is_asked(topic)
    # pointing back at someone ("who did he blame?"), it is about whom the question before named, in its words too
    earlier = context if context and _PERSONAL.search(text) else None
    own, pointed_at = names_in(searched), names_in(earlier) if earlier else {}
    return Question(
        text=text,
        searched=searched,
        topic=topic,
        predicate=predicate,
        stated=stated,
        today=today,
        order=order_asked(searched),
        kind=kind,
        anchors=anchors_of(kind, predicate, asked_as),
        names=own or pointed_at,  # its own names, if it has any
        words=frozenset(plain_words(f"{earlier} {text}" if earlier else text)),
        capitalised=frozenset(capitalised(topic)),
        terms=frozenset(terms_of([topic])[0]),
        figures=frozenset(m.group("n") for m in FIGURE.finditer(text)),
        english=is_english(text),
        ahead=looks_ahead(searched),
        points_back=follows_up(text),
        context=context,
        resolved=None if own else _named(topic, pointed_at),
    )


def _named(topic: str, names: dict[str, set[str]]) -> str | None:
    """``topic`` with "he", "her"… written as ``names`` ("his": "Raisi's"); None without names."""
    if not names:
        return None
    who = " ".join(names)
    return _PERSONAL.sub(lambda m: f"{who}'s" if m[0].lower() in ("his", "hers") else who, topic)


def order_asked(question: str) -> str | None:
    """ "earliest" or "latest" when the question asks about order, else None."""
    if _EARLIEST.search(question):
        return "earliest"
    if _LAST.search(question) or any(
        m["next"] is None or m["next"].lower() in _PREPOSITIONS | _REPORTS for m in _LATEST.finditer(question)
    ):
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


def predicate_of(topic: str) -> str:
    """What a question asks of what it is about: "Who was blamed for the bombing near…?" asks "Who was blamed".

    Its words up to the first preposition after the second; sentences
    answering a question about order answer this part (the claims of blame,
    not everything said about the bombing).
    """
    words = topic.rstrip("?!. ").split()
    for i in range(2, len(words)):
        if words[i].lower() in _PREPOSITIONS:
            return " ".join(words[:i])
    return " ".join(words)


def looks_ahead(text: str) -> bool:
    """Whether ``text`` says what is still to come: "who will he face?", "the final is set to…" (a sentence
    about what happened, "Littler took down Rob Cross", does not answer a question about what will)."""
    return _AHEAD.search(text) is not None


def follows_up(text: str) -> bool:
    """Whether ``text`` continues the conversation before it rather than starting a new one.

    It points back ("who will he face in the final?", "when is it?") and names
    nothing of its own; a question naming someone or something starts afresh.
    """
    return bool(_POINTING_BACK.search(_NOW.sub(" ", text))) and not names_in(text)
