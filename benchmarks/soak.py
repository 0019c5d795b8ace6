"""Soak: many questions from several threads while the articles are re-indexed over and over.

Usage: python benchmarks/soak.py [--questions 1000] [--threads 4] [--every 1000] [--articles FILE.jsonl]
       [--questions-file FILE.jsonl] [--json]

The articles (default: the small real set in tests/data) are indexed into a
temporary folder with the bundled model. Then, until every question has been
asked, one thread keeps re-indexing them, each round editing a few articles
so that they are embedded again, while the asking threads answer questions
from the questions file in turn. It reports the errors (there must be none),
the answers' latency, and memory (resident set) at the start, after every
``--every`` questions and at the end, with how much the second half of the
questions added: memory that levels off adds next to nothing there. Not a
test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle, islice
from pathlib import Path

from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from bot.core.evaluate import read_jsonl
from index.embed.base import Embedder, load_embedder
from index.embed.bundled import DEFAULT_MODEL

ROOT = Path(__file__).parents[1]
EDITED_PER_ROUND = 3


def rss_mb() -> float:
    """Resident memory of this process now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_edition(records: list[dict], folder: Path, edition: int) -> None:
    """The articles as files, a few of them edited in each edition so they must be embedded again."""
    start = edition * EDITED_PER_ROUND % max(len(records), 1)
    edited = {(start + i) % len(records) for i in range(EDITED_PER_ROUND)}
    for n, record in enumerate(records):
        if n in edited:
            record = {**record, "text": f"{record['text']}\n\nEdition {edition}: the story was updated."}
        (folder / f"{n:04d}.jsonl").write_text(json.dumps(record) + "\n")


def soak(
    data_dir: Path, articles: Path, questions: list[str], n: int, threads: int, embedder: Embedder, every: int = 1000
) -> dict:
    """Ask ``n`` questions from ``threads`` threads while re-indexing; returns the figures."""
    settings = Settings(NEWSQA_DATA_DIR=data_dir, CHROMA_HOST=None)
    records = read_jsonl(articles)
    folder = data_dir / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    write_edition(records, folder, 0)
    service = Service(settings, embedder)
    service.indexer.index_paths([folder])
    service.ask(questions[0])  # warm up before measuring memory
    rss_start = rss_mb()

    errors: list[str] = []
    latencies: list[float] = []
    answered = 0
    asked = 0
    curve: list[tuple[int, float]] = []  # (questions asked, resident MB)
    rounds = 0
    done = threading.Event()

    def reindex() -> None:
        nonlocal rounds
        indexer = open_indexer(settings, embedder)  # its own connections, like `newsqa index` or /reindex
        while not done.is_set():
            rounds += 1
            write_edition(records, folder, rounds)
            try:
                indexer.index_paths([folder])
            except Exception:
                errors.append(traceback.format_exc())

    tally = threading.Lock()

    def ask(question: str) -> None:
        nonlocal answered, asked
        start = time.perf_counter()
        try:
            result = service.ask(question)
        except Exception:
            errors.append(traceback.format_exc())
            return
        with tally:
            answered += result.answered
            latencies.append(time.perf_counter() - start)
            asked += 1
            if asked % every == 0 or asked == n // 2:
                curve.append((asked, round(rss_mb(), 1)))
                print(f"{asked} questions asked, {rounds} re-index rounds, {curve[-1][1]} MB", file=sys.stderr, flush=True)

    writer = threading.Thread(target=reindex)
    started = time.perf_counter()
    writer.start()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(ask, islice(cycle(questions), n)))
    done.set()
    writer.join()
    ms = sorted(x * 1000 for x in latencies)
    halfway = next((mb for count, mb in curve if count == n // 2), rss_start)
    return {
        "questions": n,
        "threads": threads,
        "articles": len(records),
        "reindex_rounds": rounds,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "answered": answered,
        "ask_p50_ms": round(statistics.median(ms), 1) if ms else None,
        "ask_p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1) if ms else None,
        "wall_s": round(time.perf_counter() - started, 1),
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "rss_curve_mb": [mb for count, mb in curve if count % every == 0],
        "second_half_added_mb": round(rss_mb() - halfway, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--every", type=int, default=1000, help="record memory after every this many questions")
    parser.add_argument("--articles", type=Path, default=ROOT / "tests" / "data" / "realtimeqa-slice.jsonl")
    parser.add_argument("--questions-file", type=Path, default=ROOT / "tests" / "data" / "realtimeqa-questions.jsonl")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    questions = [q["question"] for q in read_jsonl(args.questions_file)]
    data_dir = Path(tempfile.mkdtemp(prefix="newsqa-soak-"))
    try:
        result = soak(data_dir, args.articles, questions, args.questions, args.threads,
                       load_embedder(DEFAULT_MODEL, Settings().model_cache), every=args.every)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:<15} {value}")
    raise SystemExit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()
