"""Answers with citations, composed from the evidence the retriever found.

The default answer is extractive: the best supporting sentences, quoted, each
followed by the number of its citation. When a language model is configured
it writes the answer from the same numbered passages instead (``bot.llm``),
and anything it writes that is not backed by a valid citation is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from index.retrieval import Evidence, Retrieval, Retriever

# Below this cosine similarity between the question and the closest sentence, the
# articles are taken not to answer. Measured with benchmarks/calibrate.py on the
# realtimeqa-2024 dev set: the highest threshold that still answers 95% of its
# answerable questions (0.41 answers 96%). It declines only 7.5% of the
# unanswerable ones, whose topics are close enough to the articles to fool
# similarity alone; raising it costs answerable questions about as fast as it
# declines unanswerable ones.
MIN_SIMILARITY = 0.41
# Further sentences join the answer while they score this close to the best
# (on the dev set: 2.4 sentences an answer on average; a wider margin adds
# length faster than it adds answers).
SCORE_MARGIN = 0.15
MAX_SENTENCES = 3

DECLINED = "The indexed articles do not answer this question."


@dataclass(frozen=True)
class Citation:
    """A quoted passage, as data; each front end renders it its own way."""

    n: int
    article_id: str
    title: str
    published_at: str | None
    source: str
    url: str
    text: str
    start: int
    end: int
    score: float


@dataclass
class Answer:
    question: str
    answered: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# Writes an answer from the question and numbered evidence; returns None to
# fall back to the extractive answer.
Writer = Callable[[str, list[Citation]], "Answer | None"]


def answer(
    question: str, retriever: Retriever, writer: Writer | None = None, *, context: str | None = None
) -> Answer:
    """Answer ``question`` from the index, citing the passages used, or decline.

    ``context`` is the earlier question of a conversation, for follow-ups.
    """
    return respond(question, retriever, writer, context=context)[0]


def respond(
    question: str, retriever: Retriever, writer: Writer | None = None, *, context: str | None = None
) -> tuple[Answer, Retrieval]:
    """The answer together with everything retrieval found for it (for evaluation)."""
    question = " ".join(question.split())
    found = retriever.retrieve(question, context=context)
    if support(found.evidence) < MIN_SIMILARITY:
        return Answer(question, False, DECLINED), found
    chosen = select(found.evidence)
    citations = [_citation(n, ev) for n, ev in enumerate(chosen, start=1)]
    if writer is not None:
        written = writer(question, citations)
        if written is not None:
            return written, found
    text = " ".join(f"{c.text} [{c.n}]" for c in citations)
    return Answer(question, True, text, citations), found


def support(evidence: list[Evidence]) -> float:
    """How close the evidence comes to the question: its most similar sentence.

    Taken over all candidates rather than the top-ranked one, so that refusing
    does not depend on the finer points of ranking.
    """
    return max((ev.similarity for ev in evidence), default=0.0)


def select(evidence: list[Evidence]) -> list[Evidence]:
    """The best sentence and those close behind it, without overlaps."""
    best = evidence[0].score
    chosen: list[Evidence] = []
    for ev in evidence:
        if len(chosen) == MAX_SENTENCES or ev.score < best - SCORE_MARGIN:
            break
        if any(_overlaps(ev, other) for other in chosen):
            continue
        chosen.append(ev)
    return chosen


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.passage.article_id == b.passage.article_id and a.start < b.end and b.start < a.end


def _citation(n: int, ev: Evidence) -> Citation:
    p = ev.passage
    return Citation(
        n=n,
        article_id=p.article_id,
        title=p.title,
        published_at=p.published_at,
        source=p.source,
        url=p.location,
        text=ev.text,
        start=ev.start,
        end=ev.end,
        score=round(ev.score, 4),
    )
