"""What an answer quotes, and in which shape: supporting sentences, events in order, figures that differ."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.core.evidence import Evidence, support
from bot.core.params import Params
from bot.core.question import Question
from bot.core.stated import MONTH
from bot.core.words import FIGURE, YEAR
from index.keyword import tokenize

Embed = Callable[[list[str]], np.ndarray]

# Cue words placing a sentence's event early or late among those its article reports.
_EARLY_CUES = re.compile(
    r"\b(prior to|before|during the period between|initially|at first|first|earlier|originally)\b", re.IGNORECASE
)
_LATE_CUES = re.compile(r"\b(later|subsequently|afterwards|since then|following|then)\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b{MONTH}\s*$", re.IGNORECASE)
_SAID = re.compile(
    r"\baccording to (?P<a>[^,.;]+)"
    r"|(?P<b>(?:[A-Z][\w'’-]*\s+){0,2}(?:state\s+)?(?:media|officials|police|authorities|ministry|government)"
    r"|(?:[A-Z][\w'’-]*\s?){1,4})\s+(?:said|says|reported|reports|claimed|claims|stated)\b"
)


@dataclass(frozen=True)
class Figure:
    """One number given for what a question asks, who gave it, and the evidence."""

    value: str
    by: str
    evidence: Evidence


def compose(
    question: Question, evidence: list[Evidence], embed: Embed, params: Params
) -> tuple[str | None, list[Evidence]]:
    """The evidence to cite, and the answer's text where the question needs a shape of its own.

    Questions about order get the evidence in time order; "how many"
    questions whose best evidence gives different numbers get each number
    with who reported it. Otherwise the text is None: the quoted sentences.
    """
    if question.order:
        chosen = _to_order(evidence, embed, params)
        if len(chosen) > 1:
            arranged = chronological(chosen)
            if question.order == "latest":
                arranged.reverse()
            return _in_order(arranged, question.order), arranged
    if question.quantity:
        close = select(evidence, params, params.figure_margin)
        found = figures(question, [ev for ev in close if ev.similarity >= params.min_similarity])
        if len(found) > 1:
            return _differing(found), [f.evidence for f in found]
    return None, select(evidence, params)


def select(evidence: list[Evidence], params: Params, margin: float | None = None) -> list[Evidence]:
    """The best sentence and those within ``margin`` behind it (at most ``params.max_sentences``), without overlaps.

    The article's own questions ("Who will Littler face in the finals?") answer
    nothing and are passed over while there is anything else; headings and
    captions ("Alaska Airlines Flight 1282") while there are whole sentences
    close enough to the question to quote.
    """
    margin = params.score_margin if margin is None else margin
    evidence = [ev for ev in evidence if not ev.text.rstrip().endswith("?")] or evidence
    whole = [ev for ev in evidence if not is_fragment(ev.text, params)]
    if whole and support(whole) >= params.min_similarity:
        evidence = whole
    best = evidence[0].score
    chosen: list[Evidence] = []
    for ev in evidence:
        if len(chosen) == params.max_sentences or ev.score < best - margin:
            break
        if any(_overlaps(ev, other) for other in chosen):
            continue
        chosen.append(ev)
    return chosen


def is_fragment(text: str, params: Params) -> bool:
    """A heading or caption: a few words without a full stop, not a sentence that answers."""
    return len(text.split()) < params.claim_min_words and not text.rstrip().endswith((".", "!", "?", '"', "”", "’"))


def _to_order(evidence: list[Evidence], embed: Embed, params: Params) -> list[Evidence]:
    """What a question about order compares: the best sentence of each article close to the best,
    or, when one article holds them all, its best sentences (the order its cue words give)."""
    near = [ev for ev in evidence if ev.score >= evidence[0].score - params.order_margin]
    per_article: dict[str, Evidence] = {}
    for ev in near:
        per_article.setdefault(ev.passage.article_id, ev)
    first, *rest = per_article.values()
    if rest:  # other articles count only when they report the same story
        vectors = embed([first.passage.text] + [ev.passage.text for ev in rest])
        same = [ev for ev, like in zip(rest, vectors[1:] @ vectors[0]) if like >= params.same_story]
        if same:
            return [first, same[0]]
        near = [ev for ev in near if ev.passage.article_id == first.passage.article_id]
    # Within one article: the best sentence, and the one most like it that is
    # also close to the question (another claim of responsibility, not the
    # death toll of the attack both mention).
    best, others = near[0], [ev for ev in near[1:] if not _overlaps(ev, near[0])]
    if not others:
        return [best]
    vectors = embed([best.text] + [ev.text for ev in others])
    likeness = vectors[1:] @ vectors[0]
    second = max(range(len(others)), key=lambda i: likeness[i] + others[i].similarity)
    return [best, others[second]]


def chronological(evidence: list[Evidence]) -> list[Evidence]:
    """Oldest first: by publication date, then by the order the article's cue words give, then by position."""

    def key(ev: Evidence) -> tuple:
        published = ev.passage.published_at or "9999-12-31"
        cue = -1 if _EARLY_CUES.search(ev.text) else 1 if _LATE_CUES.search(ev.text) else 0
        return published, ev.passage.article_id if ev.passage.published_at is None else "", cue, ev.start

    return sorted(evidence, key=key)


def _in_order(arranged: list[Evidence], order: str) -> str:
    dated = len({ev.passage.published_at for ev in arranged}) > 1
    words = ("First", "Then") if order == "earliest" else ("Most recently", "Before that")
    parts = []
    for n, ev in enumerate(arranged, start=1):
        when = f" ({ev.passage.published_at or 'undated'})" if dated else ""
        parts.append(f"{words[0] if n == 1 else words[1]}{when}: {ev.text} [{n}]")
    return " ".join(parts)


def figures(question: Question, evidence: list[Evidence]) -> list[Figure]:
    """Different numbers given for the same thing by different articles, one per value; else [].

    The same thing: the word after the number is the same ("84 people", "103
    people"). Numbers from one article are its own account, not a disagreement.
    """
    by_unit: dict[str, list[Figure]] = {}
    for ev in evidence:
        found = _figure_in(ev.text, question)
        if found is None:
            continue
        value, unit = found
        group = by_unit.setdefault(unit, [])
        if all(f.value != value and f.evidence.passage.article_id != ev.passage.article_id for f in group):
            group.append(Figure(value, _reporter(ev), ev))
    return max(by_unit.values(), key=len, default=[]) if any(len(g) > 1 for g in by_unit.values()) else []


def _figure_in(sentence: str, question: Question) -> tuple[str, str] | None:
    """The number in ``sentence`` nearest a word of the question, and the word after it.

    Numbers the question has, years and days of the month are no figures.
    """
    numbers = [
        m
        for m in FIGURE.finditer(sentence)
        if m.group("n") not in question.figures
        and not YEAR.fullmatch(m.group("n"))
        and not _MONTH_BEFORE.search(sentence[: m.start()])
    ]
    if not numbers:
        return None
    words = [(m.start(), tokenize([m.group(0)])[0]) for m in re.finditer(r"\w+", sentence)]
    anchors = [pos for pos, toks in words if toks and toks[0] in question.terms]
    best = min(numbers, key=lambda m: min((abs(m.start() - a) for a in anchors), default=0))
    after = re.match(r"\s*(?:others?\s+)?([A-Za-z]+)", sentence[best.end() :])
    return best.group(0).strip(), (after[1].lower() if after else "")


def _reporter(ev: Evidence) -> str:
    """Who gave the figure: named in the sentence, else the article's source."""
    match = _SAID.search(ev.text)
    if match:
        return " ".join((match["a"] or match["b"]).split())
    return ev.passage.source or ev.passage.title


def _differing(found: list[Figure]) -> str:
    reports = [
        f"{f.value} according to {f.by} ({f.evidence.passage.published_at or 'undated'}) [{n}]"
        for n, f in enumerate(found, start=1)
    ]
    return "Reports differ: " + "; ".join(reports) + "."


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.passage.article_id == b.passage.article_id and a.start < b.end and b.start < a.end
