"""Choose the refusal threshold (``Params.min_similarity``) on an eval set.

Usage: python benchmarks/calibrate.py EVAL_DIR [--data-dir DIR]

EVAL_DIR holds articles.jsonl, questions.jsonl and unanswerable.jsonl (the
format of the realtimeqa-2024 dev set). The articles are indexed into DIR
(default: a folder under the system temp dir, reused between runs), and every
question is searched as ``newsqa eval`` asks it (on its own date). Each
threshold is then tried through ``bot.core.answer.answerable``, the function
that applies it when answering. The threshold printed is the highest that
still answers at least 95% of the answerable questions: declining a question
the articles do answer is the worse failure for a news bot, and above that
level every step of the threshold costs more answerable questions than it
saves unanswerable ones. The same rule sets ``Params.min_similarity_widened``
over the questions searched beyond the dates or sources they state (nothing
within them answered).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bot.app.service import Service  # noqa: E402
from bot.app.settings import Settings  # noqa: E402
from bot.core import Filter  # noqa: E402
from bot.core.answer import answerable, search  # noqa: E402
from bot.core.evaluate import read_jsonl  # noqa: E402
from bot.core.evidence import Found  # noqa: E402
from bot.core.params import PARAMS  # noqa: E402
from bot.core.question import read_question  # noqa: E402

SHARE_ANSWERED = 0.95
THRESHOLDS = [round(x / 100, 2) for x in range(20, 90)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "newsqa-calibrate")
    args = parser.parse_args()

    service = Service(Settings(NEWSQA_DATA_DIR=args.data_dir, CHROMA_HOST=None))
    print(service.indexer.index_paths([args.eval_dir / "articles.jsonl"]).summary())
    sources = service.retriever.sources()

    def found(q: dict) -> Found:
        today = date.fromisoformat(q["date"]) if q.get("date") else date.today()
        return search(read_question(q["question"], today, sources), service.retriever, Filter(), PARAMS)[0]

    pos = [found(q) for q in read_jsonl(args.eval_dir / "questions.jsonl") if q.get("answerable")]
    neg = [found(q) for q in read_jsonl(args.eval_dir / "unanswerable.jsonl")]
    report = {}
    for field, widened in (("min_similarity", False), ("min_similarity_widened", True)):
        group_pos = [f for f in pos if f.widened == widened]
        group_neg = [f for f in neg if f.widened == widened]
        if not group_pos:
            report[field] = {"threshold": None, "in_use": getattr(PARAMS, field), "answerable": 0}
            continue
        best = max((t for t in THRESHOLDS if _answered(group_pos, field, t) >= SHARE_ANSWERED), default=THRESHOLDS[0])
        report[field] = {
            "threshold": best,
            "in_use": getattr(PARAMS, field),
            "answerable": len(group_pos),
            "unanswerable": len(group_neg),
            "answered_share_of_answerable": round(_answered(group_pos, field, best), 3),
            "declined_share_of_unanswerable": round(1 - _answered(group_neg, field, best), 3),
        }
    print(json.dumps(report, indent=2))


def _answered(evidence: list[Found], field: str, threshold: float) -> float:
    """The share of ``evidence`` answered with the threshold ``field`` of ``Params`` set to ``threshold``."""
    params = replace(PARAMS, **{field: threshold})
    return sum(answerable(f, params) for f in evidence) / len(evidence) if evidence else 1.0


if __name__ == "__main__":
    main()
