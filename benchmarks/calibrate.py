"""Choose the refusal thresholds (``Params.min_similarity`` and ``min_similarity_widened``) on an eval set.

Usage: python benchmarks/calibrate.py EVAL_DIR [--data-dir DIR]

EVAL_DIR holds articles.jsonl, questions.jsonl and unanswerable.jsonl (the
format of the realtimeqa-2024 dev set). The articles are indexed into DIR
(default: a folder under the system temp dir, reused between runs), and every
question is answered as ``newsqa eval`` asks it (on its own date), through
``bot.core.answer.respond``: the whole decision to answer, with every reason to
decline (too far from the question, a name of the question no passage
mentions), as a user gets it.

``min_similarity`` is set to the highest threshold with which at most 5% of
the grounded questions (those an article reports) are declined, or as few as
any threshold declines, when the other reasons to decline already take more
than 5%: declining a
question the articles do answer is the worse failure for a news bot, and
above that level every step of the threshold costs about as many of them as
it saves unanswerable ones. ``min_similarity_widened``, for the evidence found
beyond the dates or sources a question states (nothing within them
answered), is then set the same way, the first threshold kept, and no lower
than it. Both sweeps
print how many grounded questions are declined and the share of unanswerable
ones declined at each threshold.
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
from bot.core.answer import respond  # noqa: E402
from bot.core.evaluate import is_grounded, read_jsonl  # noqa: E402
from bot.core.params import PARAMS, Params  # noqa: E402
from bot.core.question import Question, read_question  # noqa: E402
from index.search import Retriever  # noqa: E402

SHARE_DECLINED = 0.05  # of the grounded questions, at most
THRESHOLDS = [round(x / 100, 2) for x in range(30, 66)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "newsqa-calibrate")
    args = parser.parse_args(argv)

    service = Service(Settings(NEWSQA_DATA_DIR=args.data_dir, CHROMA_HOST=None))
    print(service.indexer.index_paths([args.eval_dir / "articles.jsonl"]).summary(), file=sys.stderr)
    print(json.dumps(calibrate(service, args.eval_dir), indent=2))


def calibrate(service: Service, eval_dir: Path, thresholds: list[float] = THRESHOLDS) -> dict:
    """Each threshold chosen with what it does at each value tried (``sweep``), from the eval set's questions
    asked of ``service`` (its articles indexed)."""
    sources = service.retriever.sources()

    def asked(q: dict) -> Question:
        return read_question(q["question"], date.fromisoformat(q["date"]) if q.get("date") else date.today(), sources)

    grounded = [asked(q) for q in read_jsonl(eval_dir / "questions.jsonl") if is_grounded(q)]
    unanswerable = [asked(q) for q in read_jsonl(eval_dir / "unanswerable.jsonl")]
    params, report = PARAMS, {}
    for field in ("min_similarity", "min_similarity_widened"):
        sweep = {}
        # evidence from beyond the dates a question states must come at least as close as any other
        for threshold in [t for t in thresholds if field == "min_similarity" or t >= params.min_similarity]:
            tried = replace(params, **{field: threshold})
            declined = sum(not _answered(q, service.retriever, tried) for q in unanswerable)
            sweep[threshold] = {
                "grounded_declined": sum(not _answered(q, service.retriever, tried) for q in grounded),
                "refusal": round(declined / len(unanswerable), 3) if unanswerable else None,
            }
            print(field, threshold, sweep[threshold], file=sys.stderr)
        # where no threshold declines so few, the fewest any declines: the others decline what the articles answer
        allowed = max(SHARE_DECLINED * len(grounded), min(row["grounded_declined"] for row in sweep.values()))
        best = max(t for t, row in sweep.items() if row["grounded_declined"] <= allowed)
        params = replace(params, **{field: best})
        report[field] = {"threshold": best, "in_use": getattr(PARAMS, field), **sweep[best], "sweep": sweep}
    report["grounded"], report["unanswerable"] = len(grounded), len(unanswerable)
    return report


def _answered(question: Question, retriever: Retriever, params: Params) -> bool:
    return respond(question, retriever, None, Filter(), params)[0].answered


if __name__ == "__main__":
    main()
