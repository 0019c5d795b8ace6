"""``newsqa eval``: how often the bot finds and cites the answer, on questions with gold answers.

The metrics follow the eval set's own contract: a gold answer occurs in a text
when every one of its words occurs there as a whole word (after NFKC, lower
case and folding curly quotes); scores are over the answerable questions, and
again over the grounded ones (an article reports the event asked about) with
the suffix ``_grounded``; a passage counts with at most 1,200 characters, what
the bot would quote. Questions go through the same code as ``newsqa ask``.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from bot.core.answer import respond, search
from bot.core.evidence import Evidence, Found, recent
from bot.core.params import PARAMS, Params
from bot.core.question import read_question
from index.errors import NewsqaError
from index.filters import Filter
from index.passages import Boost, Passage
from index.search import Retriever

PASSAGE_CHARS = 1200  # what the bot would quote of a passage (the eval contract)
_QUOTES = "\"“”‘’'"
_APOSTROPHES = str.maketrans("‘’", "''")
_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
SCORES = ("recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit", "short_answer_hit", "mc_accuracy")
KEYS = (
    "answerable", *SCORES, "refusal", "grounded", *(f"{k}_grounded" for k in SCORES),
    "index_s", "ask_p50_ms", "ask_p95_ms",
)  # fmt: skip

Progress = Callable[[str, int, int], None]


@dataclass
class QuestionResult:
    """One question's outcome, for the per-question report."""

    id: str
    question: str
    gold: str | None
    answered: bool
    answer: str
    short_answer: str | None
    cited: list[str]
    grounded: bool  # an article reports the event asked about
    gold_rank: int | None  # 1-based rank of the first passage holding the gold answer
    answer_hit: bool
    short_answer_hit: bool  # the gold answer occurs in the short answer
    mc_pick: str | None
    mc_right: bool | None
    ms: float


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def words(text: str) -> set[str]:
    """The contract's words: NFKC, lower-cased, quotes folded, runs of letters and digits
    (an apostrophe or hyphen inside a word keeps it whole)."""
    return set(_WORD.findall(unicodedata.normalize("NFKC", text or "").translate(_FOLD).lower()))


def occurs(gold: str, text: str) -> bool:
    """Whether every word of ``gold`` occurs in ``text`` as a whole word ("84" is not in "284")."""
    wanted = words(gold)
    return bool(wanted) and wanted <= words(text)


def gold_rank(passages: list[Passage], gold: str, k: int = 10) -> int | None:
    """1-based rank of the first of the top ``k`` passages holding ``gold``, else None."""
    for rank, passage in enumerate(passages[:k], start=1):
        if occurs(gold, passage.text[:PASSAGE_CHARS]):
            return rank
    return None


def mentions(text: str, phrase: str) -> bool:
    """Whether ``text`` names ``phrase`` as words of its own, not inside others.

    "Rats" is not in "Democrats", nor "10" in "10,000"; quotes around the
    phrase do not count, curly and straight apostrophes are the same.
    """
    needle = _plain(phrase).strip(f" .{_QUOTES}")
    if not needle:
        return False
    return re.search(rf"(?<!\w)(?<!\d[.,]){re.escape(needle)}(?!\w)(?![.,]\d)", _plain(text)) is not None


def _plain(text: str) -> str:
    return normalise(text).translate(_APOSTROPHES)


def pick_choice(
    retriever: Retriever,
    question: str,
    choices: list[str],
    today: date,
    found: Found | None = None,
    params: Params = PARAMS,
) -> int:
    """The position of the choice best supported by the articles.

    Each choice is searched together with the question, read as the question
    is (its time window, its names), passages naming all of the names of
    both first (dev set: mc_accuracy 0.636 -> 0.675); its support is the
    most similar found sentence that names it (similarity weighted by
    ``_weight``), or half the most similar one when none names it. Choices
    named in the passages found for the question itself (``found``) gain
    ``params.own_passage_weight`` / rank for each such passage.
    """
    if not choices:
        raise ValueError("no choices to pick from")
    sources = retriever.sources()
    found = found or search(read_question(question, today, sources), retriever, Filter(), params)[0]
    own = found.passages[: params.own_passages]
    boost = recent(today, params)
    scores = []
    for choice in choices:
        asked = read_question(f"{question} {choice}", today, sources)
        evidence = search(asked, retriever, Filter(), params, names_first=True)[0].evidence
        naming = [_weight(ev, boost) for ev in evidence if mentions(ev.text, choice)]
        score = max(naming) if naming else max((_weight(ev, boost) for ev in evidence), default=0.0) / 2
        score += sum(
            params.own_passage_weight / rank
            for rank, passage in enumerate(own, start=1)
            if mentions(passage.text[:PASSAGE_CHARS], choice)
        )
        scores.append(score)
    return max(range(len(choices)), key=scores.__getitem__)


def _weight(evidence: Evidence, boost: Boost) -> float:
    """A sentence's similarity to the question, as many times more from a recent article as its passage counts."""
    return evidence.similarity * (boost.factor if boost.covers(evidence.passage.published) else 1.0)


def evaluate(
    retriever: Retriever,
    questions: list[dict],
    unanswerable: list[dict],
    progress: Progress | None = None,
    params: Params = PARAMS,
) -> tuple[dict, list[QuestionResult]]:
    """Ask every question; return the metrics (without indexing time) and per-question results."""
    asked = [(q, True) for q in questions if q.get("answerable", True)] + [(q, False) for q in unanswerable]
    results: list[QuestionResult] = []
    for n, (q, answerable) in enumerate(asked, start=1):
        results.append(_ask(retriever, q, answerable, params))
        if progress:
            progress("asking", n, len(asked))
    scored = [r for r in results if r.gold is not None]
    grounded = [r for r in scored if r.grounded]
    times = sorted(r.ms for r in results)
    metrics = {
        "answerable": len(scored),
        **_scores(scored),
        "refusal": _share(not r.answered for r in results if r.gold is None),
        "grounded": len(grounded),
        **{f"{key}_grounded": value for key, value in _scores(grounded).items()},
        "ask_p50_ms": round(_percentile(times, 0.50), 1),
        "ask_p95_ms": round(_percentile(times, 0.95), 1),
    }
    return metrics, results


def _scores(scored: list[QuestionResult]) -> dict[str, float]:
    ranks = [r.gold_rank for r in scored]
    return {
        "recall@1": _share(r is not None and r <= 1 for r in ranks),
        "recall@5": _share(r is not None and r <= 5 for r in ranks),
        "recall@10": _share(r is not None for r in ranks),
        "mrr@10": round(statistics.fmean(1 / r if r else 0.0 for r in ranks), 4) if ranks else 0.0,
        "answer_hit": _share(r.answer_hit for r in scored),
        "short_answer_hit": _share(r.short_answer_hit for r in scored),
        "mc_accuracy": _share(bool(r.mc_right) for r in scored),
    }


def _share(values: Iterable[bool]) -> float:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else 0.0


def _ask(retriever: Retriever, q: dict, answerable: bool, params: Params) -> QuestionResult:
    start = time.perf_counter()
    # Asked on the question's own date, as its readers did: "this week" is that week.
    today = date.fromisoformat(q["date"]) if q.get("date") else date.today()
    question = read_question(q["question"], today, retriever.sources())
    result, found = respond(question, retriever, None, Filter(), params)
    ms = (time.perf_counter() - start) * 1000
    gold = q.get("answer") if answerable else None
    choices = q.get("choices") if answerable else None
    pick = pick_choice(retriever, q["question"], choices, today, found, params) if choices else None
    return QuestionResult(
        id=str(q.get("id", "")),
        question=q["question"],
        gold=gold,
        answered=result.answered,
        answer=result.answer,
        short_answer=result.short_answer,
        cited=[c.text for c in result.citations],
        grounded=answerable and is_grounded(q),
        gold_rank=gold_rank(found.passages, gold) if gold else None,
        answer_hit=bool(gold) and result.answered and occurs(gold, result.answer),
        short_answer_hit=bool(gold) and result.answered and occurs(gold, result.short_answer or ""),
        mc_pick=q["choices"][pick] if pick is not None else None,
        mc_right=(pick == q.get("answer_index")) if pick is not None else None,
        ms=round(ms, 1),
    )


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def is_grounded(q: dict) -> bool:
    """Whether an eval question is answerable and some article reports the event it asks about (a question
    without the flags counts as both)."""
    return bool(q.get("answerable", True)) and bool(q.get("answer")) and bool(q.get("grounded", True))


def read_jsonl(path: Path) -> list[dict]:
    """Records of an eval file; a missing or broken file is a clear error."""
    if not path.is_file():
        raise NewsqaError(f"{path} not found: an eval folder holds articles.jsonl and questions.jsonl")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise NewsqaError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
    return rows


def write_report(path: Path, results: list[QuestionResult]) -> None:
    """One JSON line per question: what was asked, the gold answer, what was cited, hit or miss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for r in results:
            out.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
