"""What a question asks for beyond its topic: an order of events, or a number.

Retrieval uses these to search for the topic alone and to rank sentences; the
answer uses them to arrange and word what it quotes.
"""

from __future__ import annotations

import re

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
    topic = _ORDER_WORDS.sub(" ", question)
    return " ".join(topic.split()) or question


def is_quantity_question(question: str) -> bool:
    """ "How many…", "what was the death toll…": questions answered by a number."""
    return bool(_QUANTITY_QUESTION.search(question))
