"""Indexing runs for the crash and server tests: articles in editions, runs in other processes, snapshots."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from index.indexer import Indexer
from tests.checks import stored_ids
from tests.conftest import DATA
from tests.fakes import HashEmbedder

ROOT = Path(__file__).parents[2]


def write_articles(folder: Path, edition: int) -> None:
    """Fourteen real articles; later editions change some, drop one and add one."""
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    records = [json.loads(line) for line in (DATA / "realtimeqa-slice.jsonl").read_text().splitlines()]
    if edition > 1:
        records = records[1:] + [{**records[0], "id": "extra", "url": "https://example.com/extra"}]
        for r in records[::3]:
            r["text"] += f"\n\nUpdate {edition}: officials released further figures on the {r['title']}."
    for n, record in enumerate(records):
        (folder / f"{n:02d}.jsonl").write_text(json.dumps(record) + "\n")


def child(data_dir: Path, folder: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """An indexing run in its own process (``env``: extra settings, e.g. a Chroma server)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.index.indexing_child", str(data_dir), str(folder)],
        cwd=ROOT,
        # Empty means unset: a local store unless ``env`` names a server.
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CHROMA_HOST": "",
            "NEWSQA_COLLECTION": "",
            "NEWSQA_DATABASE_URL": "",
            **(env or {}),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


HOLD = """
import sys
from pathlib import Path
from index.lock import writer_lock
from index.pg import AdvisoryLock
kind, where = sys.argv[1:3]
with AdvisoryLock(where).hold() if kind == "database" else writer_lock(Path(where)):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def lock_held(lock: Path | str) -> Iterator[subprocess.Popen]:
    """Another process holding the writer lock (the file at a path, or a database's) as an indexing run does,
    until the block ends; then it is killed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, "file" if isinstance(lock, Path) else "database", str(lock)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
        holder.stdout.close()  # type: ignore[union-attr]
        holder.stdin.close()  # type: ignore[union-attr]


def writer_lock(settings: Settings) -> Path | str:
    """Where the index's writer lock is, for :func:`lock_held`: its file, or the database holding its records."""
    return settings.database_url.get_secret_value() if settings.database_url else settings.lock_path


def snapshot(indexer: Indexer) -> tuple[dict, set[str]]:
    """What an index holds: each article's content hash and chunk count, and every stored chunk id."""
    entries = {e.id: (e.content_hash, e.chunks) for e in indexer.manifest.entries().values()}
    return entries, stored_ids(indexer)


def index_in_process(data_dir: Path, folder: Path, database_url: str | None = None) -> Indexer:
    """A clean indexing run (with pruning) into a local store in ``data_dir`` (its records in ``database_url``)."""
    settings = Settings(NEWSQA_DATA_DIR=data_dir, CHROMA_HOST=None, NEWSQA_DATABASE_URL=database_url)
    indexer = open_indexer(settings, HashEmbedder())
    indexer.index_paths([folder], prune=True)
    return indexer
