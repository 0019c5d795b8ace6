"""Choose the refusal threshold (bot.answer.MIN_SIMILARITY) on an eval set.

Usage: python benchmarks/calibrate.py EVAL_DIR [--data-dir DIR]

EVAL_DIR holds articles.jsonl, questions.jsonl and unanswerable.jsonl (the
format of the realtimeqa-2024 dev set). The articles are indexed into DIR
(default: a folder under the system temp dir, reused between runs), every
question is asked, and the support of its evidence (bot.answer.support) recorded.
The threshold printed is the highest that still answers at least 95% of the
answerable questions: declining a question the articles do answer is the worse
failure for a news bot, and above that level every step of the threshold
costs more answerable questions than it saves unanswerable ones.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bot.answer import support
from bot.app import open_index
from bot.evaluate import read_jsonl
from bot.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "newsqa-calibrate")
    args = parser.parse_args()

    opened = open_index(Settings(NEWSQA_DATA_DIR=args.data_dir))
    print(opened.indexer.index_paths([args.eval_dir / "articles.jsonl"]).summary())
    answerable = [q for q in read_jsonl(args.eval_dir / "questions.jsonl") if q.get("answerable")]
    unanswerable = read_jsonl(args.eval_dir / "unanswerable.jsonl")

    def top_similarity(question: str) -> float:
        return support(opened.retriever.evidence(question))

    pos = sorted(top_similarity(q["question"]) for q in answerable)
    neg = sorted(top_similarity(q["question"]) for q in unanswerable)
    best = max(
        t for t in (round(x / 100, 2) for x in range(20, 90)) if sum(s >= t for s in pos) >= 0.95 * len(pos)
    )
    answered = sum(s >= best for s in pos) / len(pos)
    declined = sum(s < best for s in neg) / len(neg)
    print(json.dumps({
        "threshold": best,
        "answered_share_of_answerable": round(answered, 3),
        "declined_share_of_unanswerable": round(declined, 3),
        "answerable_median_similarity": pos[len(pos) // 2],
        "unanswerable_median_similarity": neg[len(neg) // 2],
    }, indent=2))


if __name__ == "__main__":
    main()
