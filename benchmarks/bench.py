"""Benchmark: newsqa's indexing and asking against the stock LangChain + Chroma recipe, on the same articles.

Usage: python benchmarks/bench.py [--json] [--articles N] [--questions N] DIR

DIR holds ``articles.jsonl`` and ``questions.jsonl`` in the format of ``newsqa
eval``. In one run, on the same articles and the same two cores, it measures:

- ``encode_chunks_per_s``: the embedding model as newsqa runs it (ONNX Runtime
  by default), bare, over exactly the texts newsqa embeds (each article's title
  and sentences), in one call, counted in the chunks those texts make up;
- ``index_chunks_per_s``, ``index_articles_per_s``: ``newsqa index`` into a fresh
  store (reading, chunking, embedding, writing with keyword rows), and
  ``index_vs_encode``, the share of raw encode speed that indexing keeps;
- ``noop_reindex_s``: indexing the same articles again (nothing changed);
- ``ask_p50_ms``, ``ask_p95_ms``: warm answers to the questions, in process;
- ``peak_rss_mb``: this process's peak memory after indexing and asking, that
  is newsqa's own work (measured before the bare encode pass, which holds every
  text's vector at once, and the LangChain recipe, which loads a second copy of
  the model);
- ``cold_ask_s``: ``newsqa ask`` as a new process, from start to answer (median
  of three runs);
- ``langchain_chunks_per_s``: RecursiveCharacterTextSplitter (1000/200) +
  HuggingFaceEmbeddings (the same bundled model on sentence-transformers and
  PyTorch) + Chroma.from_documents, and
  ``index_vs_langchain``, the ratio of the two in passages per second. The two
  recipes cut articles into different passages, so ``index_vs_langchain_articles``
  compares articles per second too.

With ``--growth``, the figures of ``benchmarks/growth.py`` (adding 10
articles to indexes of 20,000 and 200,000 chunks: ``add10_s_small``,
``add10_s_large``, ``add10_ratio``) are added; they take about 25 minutes more.

Everything is stored in a temporary folder. Not a test: it prints figures;
compare ratios from one run, as absolute figures vary between machines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
COLD_RUNS = 3  # new processes timed; the median is reported
sys.path.insert(0, str(ROOT))

from bot.app.service import Service  # noqa: E402
from bot.app.settings import Settings  # noqa: E402
from bot.core.evaluate import read_jsonl  # noqa: E402
from index.embed.base import Embedder, load_embedder  # noqa: E402
from index.read.files import load_file  # noqa: E402
from index.vectors import passages, plan  # noqa: E402

KEYS = [
    "articles",
    "questions",
    "chunks",
    "encode_chunks_per_s",
    "index_chunks_per_s",
    "index_articles_per_s",
    "index_vs_encode",
    "langchain_chunks",
    "langchain_chunks_per_s",
    "index_vs_langchain",
    "index_vs_langchain_articles",
    "noop_reindex_s",
    "ask_p50_ms",
    "ask_p95_ms",
    "cold_ask_s",
    "peak_rss_mb",
]


def _articles_file(folder: Path, limit: int | None, work: Path) -> Path:
    source = folder / "articles.jsonl"
    if limit is None:
        return source
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()][:limit]
    target = work / "articles.jsonl"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def measure_encode(articles_file: Path, embedder: Embedder) -> tuple[int, float]:
    """(chunks, chunks per second) of the bare model over the texts newsqa embeds for them."""
    chunks, texts = 0, []
    for article in load_file(articles_file).articles:
        cut = passages(article, embedder)
        chunks += len(cut)
        texts += plan(article, cut, embedder).texts
    start = time.perf_counter()
    embedder.embed(texts)
    return chunks, chunks / (time.perf_counter() - start)


def measure_newsqa(settings: Settings, articles_file: Path, embedder: Embedder, questions: list[dict]) -> dict:
    service = Service(settings, embedder)
    start = time.perf_counter()
    report = service.indexer.index_paths([articles_file])
    index_s = time.perf_counter() - start
    start = time.perf_counter()
    service.indexer.index_paths([articles_file])
    noop_s = time.perf_counter() - start
    p50, p95 = ask_times(service, questions)
    return {
        "chunks_indexed": report.chunks,
        "articles_indexed": report.added,
        "index_s": index_s,
        "noop_reindex_s": round(noop_s, 3),
        "ask_p50_ms": p50,
        "ask_p95_ms": p95,
    }


def ask_times(service: Service, questions: list[dict]) -> tuple[float | None, float | None]:
    """Median and 95th percentile milliseconds of warm answers to ``questions`` (None without questions)."""
    service.ask("warm up")  # the first question reads the committed articles and warms the caches
    latencies = []
    for q in questions:
        start = time.perf_counter()
        service.ask(q["question"])
        latencies.append((time.perf_counter() - start) * 1000)
    return p50_p95(latencies)


def p50_p95(values: list[float]) -> tuple[float | None, float | None]:
    """The median and 95th percentile of ``values``, rounded (None without values)."""
    if not values:
        return None, None
    ordered = sorted(values)
    return round(statistics.median(ordered), 1), round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)


def measure_cold_ask(settings: Settings, question: str, runs: int = COLD_RUNS) -> float:
    """Median seconds of ``newsqa ask`` as a new process, from start to answer (files in the OS cache)."""
    env = {**os.environ, "NEWSQA_DATA_DIR": str(settings.data_dir)}
    env.pop("CHROMA_HOST", None)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "ask", question], cwd=ROOT, env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_langchain(articles_file: Path, store: Path) -> tuple[int, int, float]:
    """(chunks, articles, seconds) for the stock recipe, model loading excluded as for newsqa."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index.embed.bundled import bundled_model_path

    embeddings = HuggingFaceEmbeddings(model_name=bundled_model_path())
    embeddings.embed_query("warm up")
    records = read_jsonl(articles_file)
    start = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = splitter.create_documents(
        [r["text"] for r in records], metadatas=[{"id": r["id"], "title": r.get("title") or ""} for r in records]
    )
    client = chromadb.PersistentClient(path=str(store), settings=chromadb.Settings(anonymized_telemetry=False))
    Chroma.from_documents(docs, embeddings, client=client, collection_name="langchain")
    return len(docs), len(records), time.perf_counter() - start


def run(folder: Path, articles: int | None, questions: int | None, cold_runs: int = COLD_RUNS) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as tmp:
        work = Path(tmp)
        articles_file = _articles_file(folder, articles, work)
        asked = read_jsonl(folder / "questions.jsonl")[:questions]
        settings = Settings(NEWSQA_DATA_DIR=work / "newsqa", CHROMA_HOST=None)
        embedder = load_embedder(
            settings.embedding_model, settings.model_cache, settings.embedding_backend, settings.embedding_precision
        )
        embedder.embed(["warm up"])  # model loading is not throughput
        ours = measure_newsqa(settings, articles_file, embedder, asked)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        chunks, encode_rate = measure_encode(articles_file, embedder)
        cold = measure_cold_ask(settings, asked[0]["question"] if asked else "What happened?", cold_runs)
        lc_chunks, lc_articles, lc_s = measure_langchain(articles_file, work / "langchain")
    index_rate = ours["chunks_indexed"] / ours["index_s"]
    articles_rate = ours["articles_indexed"] / ours["index_s"]
    return {
        "articles": ours["articles_indexed"],
        "questions": len(asked),
        "chunks": ours["chunks_indexed"],
        "encode_chunks_per_s": round(encode_rate, 1),
        "index_chunks_per_s": round(index_rate, 1),
        "index_articles_per_s": round(articles_rate, 2),
        "index_vs_encode": round(index_rate / encode_rate, 3),
        "langchain_chunks": lc_chunks,
        "langchain_chunks_per_s": round(lc_chunks / lc_s, 1),
        "index_vs_langchain": round(index_rate / (lc_chunks / lc_s), 3),
        "index_vs_langchain_articles": round(articles_rate / (lc_articles / lc_s), 3),
        "noop_reindex_s": ours["noop_reindex_s"],
        "ask_p50_ms": ours["ask_p50_ms"],
        "ask_p95_ms": ours["ask_p95_ms"],
        "cold_ask_s": round(cold, 2),
        "peak_rss_mb": round(peak, 1),
    } | ({"encode_chunks": chunks} if chunks != ours["chunks_indexed"] else {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", metavar="DIR", type=Path, help="folder with articles.jsonl and questions.jsonl")
    parser.add_argument("--articles", type=int, help="use only the first N articles")
    parser.add_argument("--questions", type=int, help="ask only the first N questions")
    parser.add_argument("--growth", action="store_true", help="also measure adding 10 articles (benchmarks/growth.py)")
    parser.add_argument("--database-url", help="with --growth: keep the growth indexes' records in PostgreSQL there")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.folder, args.articles, args.questions)
    if args.growth:
        from benchmarks import growth

        result |= growth.run(args.folder, growth.SMALL, growth.LARGE, database_url=args.database_url)
    if args.json:
        print(json.dumps(result))
        return
    for key in KEYS + [key for key in result if key not in KEYS]:
        print(f"{key:<28} {result.get(key)}")


if __name__ == "__main__":
    main()
