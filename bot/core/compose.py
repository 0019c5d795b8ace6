"""What an answer quotes, and in which shape: supporting sentences, events in order, figures that differ."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from bot.core.evidence import Evidence, support
from bot.core.kind import answers_kind
from bot.core.params import Params
from bot.core.question import Question
from bot.core.stated import MONTH
from bot.core.stories import same_story, spread
from bot.core.words import FIGURE, YEAR, terms_of

Embed = Callable[[list[str]], np.ndarray]

# Cue words placing a sentence's event early or late among those its article reports.
_EARLY_CUES = re.compile(
    r"\b(prior to|before|during the period between|initially|at first|first|earlier|originally)\b", re.IGNORECASE
)
_LATE_CUES = re.compile(r"\b(later|subsequently|afterwards|since then|following|then)\b", re.IGNORECASE)
# What a page says to its readers rather than what happened: live-blog headers, calls to act.
_TEASER = re.compile(
    r"\s*(?:live(?: updates?| blog)?\s*(?:[:|—–]|\s-\s)|icymi\s*[:|]|watch\s*[:|]|photos?\s*[:|]|(?:vote (?:for|now|in)|sign up|"
    r"subscribe (?:to|now)|click (?:here|to)|follow (?:us|along|the latest|live)|read more|see more|get the latest|"
    r"download (?:the|our)|share your|tell us|listen (?:to|now))\b)",
    re.IGNORECASE,
)
# A sub-heading's question glued to the link after it ("…ballot?What to expect at the polls"), and a line that
# only leads into what follows it ("Here's how it happened:"). A link glued after a colon ("Prince William:Prince
# of Wales likely to step up…") is another article's headline, and may answer.
_PROMO = re.compile(r"[a-z]\?[A-Z]|:\s*$")
_MONTH_BEFORE = re.compile(rf"\b{MONTH}\s*$", re.IGNORECASE)
# A number right after a name inside a sentence names a thing rather than counting it: "Flight 1282", "MAX 9".
_NAMED_BEFORE = re.compile(r"(?<=\S)\s+[A-Z][\w'’-]*\s+$")
# "171 of 215 jets": the second number is the whole the first is counted out of.
_WHOLE_BEFORE = re.compile(r"\d\s+of\s+$")
# What a figure counts: the first word after it, past other designations ("200 737 MAX 9 jets": "jets") and the
# whole it is part of ("171 of 215 MAX 9 jets": "jets").
_COUNTED = re.compile(r"\s*(?:others?\s+)?(?:of\s+\d[\d,]*\s+)?(?:[A-Z\d][A-Z\d-]*\s+){0,3}([A-Za-z]+)")
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
        chosen = _to_order(question, evidence, embed, params)
        if len(chosen) > 1:
            arranged = chronological(chosen)
            if question.order == "latest":
                arranged.reverse()
            return _in_order(arranged, question.order), arranged
    if question.quantity:
        # figures compare one story's reports, from more sentences than are quoted
        wider = replace(params, max_sentences=params.figure_sentences)
        close = select(evidence, wider, params.figure_margin, spread_stories=False)
        found = figures(question, [ev for ev in close if ev.similarity >= params.min_similarity], embed, params)
        if len(found) > 1:
            text, found = differing(found)
            return text, [f.evidence for f in found]
    return None, select(evidence, params, kind=question.kind, asked=question.words)


def select(
    evidence: list[Evidence],
    params: Params,
    margin: float | None = None,
    *,
    spread_stories: bool = True,
    kind: str | None = None,
    asked: frozenset[str] = frozenset(),
) -> list[Evidence]:
    """The best sentence and those within ``margin`` behind it (at most ``params.max_sentences``), without overlaps;
    with ``spread_stories``, from different stories before a second article of one.

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
    close = [ev for ev in evidence if ev.score >= best - margin]
    for ev in spread(close) if spread_stories else close:
        if len(chosen) == params.max_sentences:
            break
        if any(_overlaps(ev, other) for other in chosen) or (chosen and not _adds(ev.text, kind, asked, params)):
            continue
        chosen.append(ev)
    return chosen


def _adds(text: str, kind: str | None, asked: frozenset[str], params: Params) -> bool:
    """Whether a sentence may follow the first quoted: a claim, or a line that holds what the question asks for
    (a teaser "Prince William:Prince of Wales likely to step up…" to "which royal will take on his duties?"),
    not a sub-heading ("Alaska Airlines, Boeing also investigating incident")."""
    return is_claim(text, params) or (kind is not None and answers_kind(kind, text, asked))


def is_fragment(text: str, params: Params) -> bool:
    """A heading, caption, teaser or lead-in ("Live updates: …", "Vote for the best film", "Here's how it
    happened:"), not a sentence that answers."""
    short = len(text.split()) < params.claim_min_words and not text.rstrip().endswith((".", "!", "?", '"', "”", "’"))
    return short or bool(_TEASER.match(text) or _PROMO.search(text))


def is_claim(text: str, params: Params) -> bool:
    """A whole sentence that states something: no heading, caption or teaser, and it ends as sentences do
    ("Alaska Airlines, Boeing also investigating incident" is a sub-heading)."""
    return not is_fragment(text, params) and text.rstrip().endswith((".", "!", '"', "”", "’", ")"))


def _to_order(question: Question, evidence: list[Evidence], embed: Embed, params: Params) -> list[Evidence]:
    """What a question about order compares: two claims of one story that answer what it asks.

    Claims are sentences that hold a span of the kind it asks for and lacks
    ("Who was blamed…": a name). A claim fits the question as far as it is
    both about it and answers its predicate ("Who was blamed"): the lesser of
    its similarities to the two, which tells a claim of blame from everything
    else said about the bombing. A question asking for no kind ("What is the
    latest news about…") compares any sentences, by their similarity to it.
    The first claim fits best (for "latest": the newest close enough to the
    best); the second is, among those within ``params.order_margin`` of it,
    the one most like the first (another claim of blame, not the death toll):
    from another report of the same story if there is one (reports over time
    are what order compares), else from the first one's article.
    """
    answering = [ev for ev in evidence if answers_kind(question.kind, ev.text, question.words)]
    # headings ("Alaska Airlines Flight 1282") only when nothing else answers
    claims = [ev for ev in answering if is_claim(ev.text, params)] or answering or evidence[:1]
    vectors = embed([question.predicate] + [ev.text for ev in claims])
    if question.kind is None:  # "What is the latest news about…": no claim asked for, only reports
        fit = [ev.similarity for ev in claims]
    else:
        fit = [min(ev.similarity, float(like)) for ev, like in zip(claims, vectors[1:] @ vectors[0])]
    first = max(range(len(claims)), key=fit.__getitem__)
    if question.order == "latest":  # the newest report close enough to the best one leads
        first = max(
            (i for i in range(len(claims)) if fit[i] >= fit[first] - params.order_margin),
            key=lambda i: (claims[i].passage.published_at or "", fit[i]),
        )
    best = claims[first]
    near = [i for i, ev in enumerate(claims) if fit[i] >= fit[first] - params.order_margin and not _overlaps(ev, best)]
    if not near:
        return [best]
    likeness = vectors[1:][near] @ vectors[1 + first]
    ranked = [claims[i] for _, i in sorted(zip(likeness + [fit[i] for i in near], near), reverse=True)]
    elsewhere: dict[str, Evidence] = {}
    for ev in ranked:
        if ev.passage.article_id != best.passage.article_id:
            elsewhere.setdefault(ev.passage.article_id, ev)
    across = same_story(best, list(elsewhere.values()), embed, params)
    within = [ev for ev in ranked if ev.passage.article_id == best.passage.article_id]
    return [best, (across or within)[0]] if across or within else [best]


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


def figures(question: Question, evidence: list[Evidence], embed: Embed, params: Params) -> list[Figure]:
    """Different numbers given for the same thing in one story by different articles, one per value; else [].

    The same thing: the word after the number is the same ("84 people", "103
    people"), in articles reporting the same story (:func:`same_story`).
    Numbers from one article are its own account, not a disagreement.
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
    stories = []
    for first, *rest in by_unit.values():
        alike = {id(ev) for ev in same_story(first.evidence, [f.evidence for f in rest], embed, params)}
        stories.append([first] + [f for f in rest if id(f.evidence) in alike])
    return max(stories, key=len, default=[]) if any(len(g) > 1 for g in stories) else []


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
        and not _NAMED_BEFORE.search(sentence[: m.start()])
        and not _WHOLE_BEFORE.search(sentence[: m.start()])
    ]
    if not numbers:
        return None
    found = list(re.finditer(r"\w+(?:-\w+)*", sentence))
    words = zip((m.start() for m in found), terms_of([m.group(0) for m in found]))
    anchors = [pos for pos, toks in words if toks and toks[0] in question.terms]
    best = min(numbers, key=lambda m: min((abs(m.start() - a) for a in anchors), default=0))
    after = _COUNTED.match(sentence[best.end() :])
    return best.group(0).strip(), (after[1].lower() if after else "")


def _reporter(ev: Evidence) -> str:
    """Who gave the figure: named in the sentence, else the article's source."""
    match = _SAID.search(ev.text)
    if match:
        return " ".join((match["a"] or match["b"]).split())
    return ev.passage.source or ev.passage.title


def differing(found: list[Figure]) -> tuple[str, list[Figure]]:
    """The text giving each figure with who reported it, and the figures in the order cited.

    Reports of different days are a revision, shown newest first ("Latest: 23
    according to … ; earlier: 19 according to …"); reports of one day differ.
    """
    days = {f.evidence.passage.published_at for f in found}
    revised = len(days) > 1 and None not in days
    if revised:
        found = sorted(found, key=lambda f: f.evidence.passage.published_at or "", reverse=True)
    reports = [
        f"{f.value} according to {f.by} ({f.evidence.passage.published_at or 'undated'}) [{n}]"
        for n, f in enumerate(found, start=1)
    ]
    if revised:
        return f"Latest: {reports[0]}; earlier: " + "; ".join(reports[1:]) + ".", found
    return "Reports differ: " + "; ".join(reports) + ".", found


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.passage.article_id == b.passage.article_id and a.start < b.end and b.start < a.end
