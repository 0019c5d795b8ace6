"""Benchmark: what adding 10 articles costs as the archive grows.

Usage: python benchmarks/growth.py [--json] [--small N] [--large N] [--keep FOLDER] [--database-url URL] DIR
       python benchmarks/growth.py [--json] --adds FOLDER DIR
       python benchmarks/growth.py [--json] --asks FOLDER DIR
       python benchmarks/growth.py [--json] --keyword FOLDER [--first-rows N] DIR

DIR holds ``articles.jsonl`` in the format of ``newsqa eval``. Two indexes are
built, one of about ``--small`` chunks (default 20,000) and one of about
``--large`` (default 200,000), from copies of DIR's articles (each copy with
its own id and a first line of its own, so no two are the same article; each
round of copies dated a year before the next, so a larger base reaches further
back in time rather than packing more reports into the same weeks). The
bases are embedded by a stand-in (the real model's tokenizer, so articles are
cut as the real model cuts them, and vectors of its dimension made from
hashed words), which builds 200,000 chunks in minutes. Then the same 10 new
articles are indexed into each with the real model, as an indexing round of
a running deployment would, and timed, in three rounds of 10 articles new to
both, the two sizes taking turns to go first (one round of 5 seconds is at the
mercy of whatever else the machine does):

- ``add10_s_small``, ``add10_s_large``: median seconds of a round;
- ``add10_ratio``: large / small; 1 means adding costs the same however big
  the archive is;
- ``ask_p50_ms_large``, ``ask_p95_ms_large``: warm answers to DIR's questions
  (its ``questions.jsonl``, when there) from the large index. Its vectors are
  the stand-in's, so the answers are not meaningful, but the work of finding
  them is the real work at that size.

Everything is stored in a temporary folder (or ``--keep FOLDER``, to look at
the indexes afterwards; their PostgreSQL schemas are then kept too). ``--adds
FOLDER`` measures the rounds of 10 again on the two indexes kept in FOLDER
(each run adds 30 articles to each), ``--asks FOLDER`` only the warm answers
from the larger one, without building anything (the password of its database,
which is not kept, from ``--database-url`` or the environment: PGPASSWORD,
~/.pgpass).
``--keyword FOLDER`` times the keyword search alone on DIR's questions in that
index, with the rule of :mod:`index.pruning` (``--first-rows`` to try another
value) and scoring every chunk sharing a term, and says how many of the
latter's 10 and 80 best the rule found. Not a test: it prints figures;
compare ratios, as absolute figures vary between machines.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.bench import ask_times, p50_p95  # noqa: E402
from bot.app.service import Service  # noqa: E402
from bot.app.settings import Settings  # noqa: E402
from bot.core.evaluate import read_jsonl  # noqa: E402
from index import pruning  # noqa: E402
from index.embed.base import Embedder, load_embedder  # noqa: E402
from index.search import CANDIDATES  # noqa: E402
from tests.conftest import pg_schema  # noqa: E402
from tests.fakes import HashEmbedder  # noqa: E402

NEW_ARTICLES = 10
ROUNDS = 3  # rounds of NEW_ARTICLES added to each base; their median is reported
SMALL, LARGE = 20_000, 200_000  # chunks in the two bases
QUESTIONS = 100  # asked of the large index, at most


class StandIn(HashEmbedder):
    """Embeds as fast as hashing words, under the real model's name, dimension and tokenizer (so articles are
    cut into the same chunks)."""

    def __init__(self, real: Embedder) -> None:
        super().__init__(real.name, real.dimension, real.max_tokens)
        self.real = real

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.real.count_tokens(texts)


def copies(records: list[dict], n: int, tag: str, *, older: bool = False) -> list[dict]:
    """``n`` articles copied from ``records`` in turn, each its own article: its own id, address and first line.

    With ``older``, each round through ``records`` is dated a year before the
    one after it: a larger archive reaches further back, as a real one does,
    instead of packing more reports into the same weeks.
    """
    made = []
    for i in range(n):
        record = records[i % len(records)]
        published = record.get("published_at")
        if older and published:
            day = date.fromisoformat(published[:10])
            published = (day - timedelta(days=365 * (i // len(records) + 1))).isoformat()
        made.append({
            **record,
            "id": f"{record['id']}-{tag}{i}",
            "url": f"{record.get('url') or 'https://example.org/'}#{tag}{i}",
            "published_at": published,
            "text": f"Copy {tag}{i} of this report.\n\n{record['text']}",
        })  # fmt: skip
    return made


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build_base(settings: Settings, stand_in: StandIn, records: list[dict], chunks: int, work: Path) -> int:
    """Index copies of ``records`` with the stand-in until the index holds at least ``chunks`` chunks."""
    service = Service(settings, stand_in)
    total, batch = 0, 0
    per_article = 12  # a first guess; each round re-estimates from what was indexed
    while total < chunks:
        n = max(1, (chunks - total) // per_article + 1)
        report = service.indexer.index_paths(
            [write_jsonl(work / "base.jsonl", copies(records, n, f"b{batch}-", older=True))]
        )
        total += report.chunks
        per_article = max(1, report.chunks // max(1, report.added))
        batch += 1
    return total


def add10(service: Service, new: Path) -> float:
    start = time.perf_counter()
    report = service.indexer.index_paths([new])
    seconds = time.perf_counter() - start
    if report.added != NEW_ARTICLES:
        raise RuntimeError(f"expected {NEW_ARTICLES} new articles, indexed {report.added}: {report.summary()}")
    return seconds


def add10_rounds(settings: dict[str, Settings], real: Embedder, records: list[dict], work: Path) -> dict:
    """Median seconds of ``ROUNDS`` rounds of 10 articles new to every index in ``settings``, the indexes taking
    turns to go first; each round's articles are copies of the last 10 of ``records`` with a tag of their own."""
    services = {size: Service(s, real) for size, s in settings.items()}
    seconds: dict[str, list[float]] = {size: [] for size in settings}
    stamp = uuid.uuid4().hex[:8]  # new to the indexes however often they are measured
    for r in range(ROUNDS):
        new = write_jsonl(work / "new.jsonl", copies(records[-NEW_ARTICLES:], NEW_ARTICLES, f"new{stamp}-{r}-"))
        for size in list(services)[:: 1 if r % 2 == 0 else -1]:
            seconds[size].append(add10(services[size], new))
    small, large = (statistics.median(seconds[size]) for size in ("small", "large"))
    return {"add10_s_small": round(small, 2), "add10_s_large": round(large, 2), "add10_ratio": round(large / small, 2)}


KEPT = "kept.json"  # where --keep notes the two indexes, for --adds, --asks and --keyword


def write_kept(work: Path, settings: dict[str, Settings]) -> None:
    """Note where the two indexes are: their folders and their database's address without its password."""
    kept = {}
    for size, s in settings.items():
        url = s.database_url.get_secret_value() if s.database_url else None
        kept[size] = {"data_dir": str(s.data_dir), "database_url": _without_password(url) if url else None}
    (work / KEPT).write_text(json.dumps(kept), encoding="utf-8")


def kept_settings(keep: Path, database_url: str | None = None, size: str = "large") -> Settings:
    """The settings of the index of ``size`` that ``--keep`` left in ``keep``; the database's password is
    ``database_url``'s, else the environment's (PGPASSWORD, ~/.pgpass)."""
    kept = json.loads((keep / KEPT).read_text(encoding="utf-8"))[size]
    url = kept["database_url"]
    if url and database_url:
        password = conninfo_to_dict(database_url).get("password")
        url = make_conninfo(url, password=password) if password else url
    database = {"NEWSQA_DATABASE_URL": url} if url else {}
    return Settings(NEWSQA_DATA_DIR=Path(kept["data_dir"]), CHROMA_HOST=None, **database)


def _without_password(url: str) -> str:
    parts = conninfo_to_dict(url)
    parts.pop("password", None)
    return make_conninfo(**parts)  # type: ignore[arg-type]


def questions_of(folder: Path) -> list[dict]:
    """The questions asked of the larger index: DIR's first ones, when it has any."""
    return read_jsonl(folder / "questions.jsonl")[:QUESTIONS] if (folder / "questions.jsonl").exists() else []


def load_real(settings: Settings) -> Embedder:
    """The real model, warmed up: loading it is not indexing."""
    real = load_embedder(
        settings.embedding_model, settings.model_cache, settings.embedding_backend, settings.embedding_precision
    )
    real.embed(["warm up"])
    return real


def adds(folder: Path, keep: Path, database_url: str | None = None) -> dict:
    """The rounds of 10 again, on the two indexes kept in ``keep``."""
    settings = {size: kept_settings(keep, database_url, size) for size in ("small", "large")}
    return add10_rounds(settings, load_real(settings["small"]), read_jsonl(folder / "articles.jsonl"), keep)


def asks(folder: Path, keep: Path, database_url: str | None = None) -> dict:
    """Warm answers to DIR's questions from the larger index kept in ``keep`` (``database_url`` giving the
    password of its database)."""
    settings = kept_settings(keep, database_url)
    real = load_real(settings)
    p50, p95 = ask_times(Service(settings, real), questions_of(folder))
    return {"ask_p50_ms_large": p50, "ask_p95_ms_large": p95}


@contextmanager
def first_rows(n: int):
    """Keyword search matching the rarest terms until ``n`` times k chunks hold them (every term: scoring every
    chunk, for n large enough)."""
    kept, pruning.FIRST_ROWS = pruning.FIRST_ROWS, n
    try:
        yield
    finally:
        pruning.FIRST_ROWS = kept


def keyword_times(search, questions: list[dict]) -> tuple[list[float], list[list[str]]]:
    """Each question's keyword search, best of two runs in milliseconds, and the chunks it found."""
    times, found = [], []
    for q in questions:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            chunks = [chunk for chunk, _ in search(q["question"], CANDIDATES)]
            best = min(best, (time.perf_counter() - start) * 1000)
        times.append(best)
        found.append(chunks)
    return times, found


def keyword(folder: Path, keep: Path, database_url: str | None = None, rows: int | None = None) -> dict:
    """Keyword search alone in the larger index kept in ``keep``: its time with the pruning rule (``rows``
    times k chunks matched, else the rule's own) and scoring every chunk, and what the rule found of the latter's
    best."""
    settings = kept_settings(keep, database_url)
    real = load_real(settings)
    service = Service(settings, real)
    questions = questions_of(folder)
    search = service.retriever.manifest.keyword_search
    keyword_times(search, questions[:5])  # warm: the first searches read the index's pages
    with first_rows(rows or pruning.FIRST_ROWS):
        ruled, found = keyword_times(search, questions)
    with first_rows(10**12):
        every, best = keyword_times(search, questions)
    n = max(1, len(questions))
    (p50, p95), (p50_every, p95_every) = p50_p95(ruled), p50_p95(every)
    return {
        "first_rows": rows or pruning.FIRST_ROWS,
        "keyword_p50_ms": p50,
        "keyword_p95_ms": p95,
        "keyword_p50_ms_every": p50_every,
        "keyword_p95_ms_every": p95_every,
        "best10_found": round(sum(len(set(f[:10]) & set(b[:10])) for f, b in zip(found, best)) / (10 * n), 3),
        "best80_found": round(sum(len(set(f) & set(b)) for f, b in zip(found, best)) / (CANDIDATES * n), 3),
        "best10_same": sum(f[:10] == b[:10] for f, b in zip(found, best)),
        "questions": len(questions),
    }


def run(
    folder: Path,
    small: int,
    large: int,
    keep: Path | None = None,
    database_url: str | None = None,
    *,
    keep_schemas: bool = False,
) -> dict:
    """The figures above; with ``database_url``, each index keeps its records in a schema of its own there,
    dropped afterwards unless ``keep_schemas`` (``--keep`` does, for ``--adds``, ``--asks`` and ``--keyword``)."""
    records = read_jsonl(folder / "articles.jsonl")
    questions = questions_of(folder)
    sizes = {"small": small, "large": large}
    with tempfile.TemporaryDirectory(prefix="newsqa-growth-") as tmp, ExitStack() as schemas:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if any(work.glob("index-*")):
            raise SystemExit(f"{work} holds indexes of an earlier run: give an empty or new folder")
        settings = {
            name: Settings(
                NEWSQA_DATA_DIR=work / f"index-{size}",
                CHROMA_HOST=None,
                **(
                    {"NEWSQA_DATABASE_URL": schemas.enter_context(pg_schema(database_url, drop=not keep_schemas))}
                    if database_url
                    else {}
                ),
            )
            for name, size in sizes.items()
        }
        write_kept(work, settings)
        real = load_real(settings["small"])
        stand_in = StandIn(real)
        built = {name: build_base(settings[name], stand_in, records, size, work) for name, size in sizes.items()}
        added = add10_rounds(settings, real, records, work)
        p50, p95 = ask_times(Service(settings["large"], real), questions)
    return {
        "chunks_small": built["small"],
        "chunks_large": built["large"],
        **added,
        "ask_p50_ms_large": p50,
        "ask_p95_ms_large": p95,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", metavar="DIR", type=Path, help="folder with articles.jsonl (and questions.jsonl)")
    parser.add_argument("--small", type=int, default=SMALL, help=f"chunks in the smaller base (default {SMALL:,})")
    parser.add_argument("--large", type=int, default=LARGE, help=f"chunks in the larger base (default {LARGE:,})")
    parser.add_argument(
        "--keep", type=Path, metavar="FOLDER", help="build in FOLDER (empty or new) and keep the indexes"
    )
    parser.add_argument("--database-url", help="keep each index's records in PostgreSQL there (a schema each)")
    parser.add_argument(
        "--adds", type=Path, metavar="FOLDER", help="only measure the rounds of 10 again, on the indexes kept in FOLDER"
    )
    parser.add_argument(
        "--asks", type=Path, metavar="FOLDER", help="only measure the answers, from the larger index kept in FOLDER"
    )
    parser.add_argument(
        "--keyword", type=Path, metavar="FOLDER", help="only time keyword search, in the larger index kept in FOLDER"
    )
    parser.add_argument("--first-rows", type=int, metavar="N", help="with --keyword: the pruning rule's FIRST_ROWS")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.keyword:
        result = keyword(args.folder, args.keyword, args.database_url, args.first_rows)
    elif args.adds:
        result = adds(args.folder, args.adds, args.database_url)
    elif args.asks:
        result = asks(args.folder, args.asks, args.database_url)
    else:
        result = run(args.folder, args.small, args.large, args.keep, args.database_url, keep_schemas=bool(args.keep))
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<20} {value}")


if __name__ == "__main__":
    main()
