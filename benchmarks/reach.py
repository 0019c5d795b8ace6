"""What an eval set lets any retriever reach: the questions some passage of its articles answers.

Usage: python benchmarks/reach.py EVAL_DIR [--report eval-report.jsonl] [--share 0.5] [--days N] [--json]

A question is *reachable* when some stretch of an article as long as a cited
passage (``PASSAGE_CHARS``) holds its gold answer (every word of it, the
contract's rule) together with at least ``--share`` of the question's keyword
stems: a passage that states the answer about what was asked. The set's
``grounded`` flag asks the same of a whole article, where the answer and the
question's words may be paragraphs apart and about different things (a page of
state news briefs names "California" and "flood" in separate items), so a
question no article answers may still count as grounded (30 of the dev set's 124).

With ``--days N``, only articles published in the N days up to the question's
date count (the eval asks each question on its date): a question is then
reachable when the news of its week reports it, not an older story that
happens to name the answer with the question's words.

With the per-question report of ``newsqa eval``, every score is printed over
the reachable and the unreachable questions apart: what is left to gain is
among the first; hits among the second are the answer's words found by chance.
Not a test: it prints figures about the set, and needs no index.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import date, timedelta
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bot.core.evaluate import PASSAGE_CHARS, is_grounded, read_jsonl, words  # noqa: E402
from index.keyword import tokenize  # noqa: E402
from index.read.dates import read_date  # noqa: E402

SHARE = 0.5  # of the question's keyword stems, as the set's `grounded` flag asks of a whole article
STEP = PASSAGE_CHARS // 3  # stretches overlap, so that no answer is cut in two by all of them


def reachable(question: str, gold: str, articles: list[str], share: float = SHARE) -> bool:
    """Whether some passage-long stretch of ``articles`` holds ``gold`` and ``share`` of ``question``'s stems."""
    wanted, answer = set(tokenize([question])[0]), words(gold)
    needed = share * len(wanted)
    return bool(answer) and any(
        answer <= said and len(wanted & stems) >= needed
        for text in articles
        if answer <= _words(text)
        for said, stems in _stretches(text)
    )


@cache
def _words(text: str) -> frozenset[str]:
    return frozenset(words(text))


@cache
def _stretches(text: str) -> list[tuple[frozenset[str], frozenset[str]]]:
    """An article's overlapping passage-long stretches, each as its words and its keyword stems (kept: the same
    articles are read for many questions)."""
    cut = [text[start : start + PASSAGE_CHARS] for start in range(0, max(1, len(text) - PASSAGE_CHARS + STEP), STEP)]
    return [(frozenset(words(stretch)), frozenset(stems)) for stretch, stems in zip(cut, tokenize(cut))]


def within(articles: list[dict], day: str | None, days: int | None) -> list[str]:
    """The texts of ``articles`` published in the ``days`` days up to ``day`` (YYYY-MM-DD), ``day`` the last
    of them; all of them when ``days`` is None. Dates are read as the indexer reads them (``read_date``)."""
    if days is None or day is None:
        return [a["text"] for a in articles]
    until = date.fromisoformat(day)
    since = until - timedelta(days=days - 1)
    return [a["text"] for a in articles if since <= (_published(a.get("published_at")) or date.min) <= until]


@cache
def _published(value: str | None) -> date | None:
    """An article's day, read once for all the questions that ask whether it falls in their days."""
    return read_date(value)


def scores(rows: list[dict]) -> dict[str, float | int]:
    """The eval's scores over some of its report's rows."""
    ranks = [r["gold_rank"] for r in rows]

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "questions": len(rows),
        "recall@1": share([r is not None and r <= 1 for r in ranks]),
        "recall@5": share([r is not None and r <= 5 for r in ranks]),
        "recall@10": share([r is not None for r in ranks]),
        "mrr@10": round(statistics.fmean(1 / r if r else 0.0 for r in ranks), 4) if ranks else 0.0,
        "answer_hit": share([r["answer_hit"] for r in rows]),
        "mc_accuracy": share([bool(r["mc_right"]) for r in rows]),
        "declined": sum(not r["answered"] for r in rows),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--report", type=Path, help="the per-question report of `newsqa eval` on this set")
    parser.add_argument("--share", type=float, default=SHARE)
    parser.add_argument(
        "--days", type=int, help="only articles of the N days up to each question's date (the last of them) count"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    articles = read_jsonl(args.eval_dir / "articles.jsonl")
    questions = [q for q in read_jsonl(args.eval_dir / "questions.jsonl") if q.get("answerable", True)]
    if args.days is not None and (args.days < 1 or any(not q.get("date") for q in questions)):
        parser.error("--days needs a number of days of 1 or more, and every question's date")
    reach = {
        q["id"]: reachable(q["question"], q["answer"], within(articles, q.get("date"), args.days), args.share)
        for q in questions
    }
    grounded = {q["id"] for q in questions if is_grounded(q)}
    figures: dict = {
        "answerable": len(questions),
        "reachable": sum(reach.values()),
        "grounded": len(grounded),
        "grounded_reachable": sum(reach[q] for q in grounded),
    }
    if args.report:
        rows = [r for r in read_jsonl(args.report) if r.get("gold") is not None and r["id"] in reach]
        figures["over_reachable"] = scores([r for r in rows if reach[r["id"]]])
        figures["over_unreachable"] = scores([r for r in rows if not reach[r["id"]]])
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
