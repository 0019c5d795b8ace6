"""`newsqa check`: each kind of damage is named, checking changes nothing, and a repair gives back the clean index.

The index is built with the real bundled model from fourteen real articles;
each test damages a copy of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.health import check_index, repair_index
from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from index.embed.base import Embedder
from index.errors import IndexBusyError, NewsqaError
from index.health import BUSY, KEYWORD, MISMATCH, MISSING, MODEL, ORPHANS, STALE_LOCK
from index.indexer import Indexer
from index.keyword import KeywordIndex
from index.lock import holder_path
from tests.checks import assert_consistent, stored_ids
from tests.index import damage
from tests.index.runs import ROOT, snapshot, write_articles


@dataclass(frozen=True)
class Clean:
    """A clean build: where it is, and what it holds."""

    data_dir: Path
    snapshot: tuple[dict, set[str]]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Clean:
    root = tmp_path_factory.mktemp("health")
    write_articles(root / "news", 1)
    indexer = open_indexer(Settings(NEWSQA_DATA_DIR=root / "clean", CHROMA_HOST=None), real_embedder)
    report = indexer.index_paths([root / "news"])
    assert report.added == 14 and not report.failed
    built = Clean(root / "clean", snapshot(indexer))
    indexer.manifest.close()
    return built


@pytest.fixture
def copied(clean: Clean, settings: Settings) -> Settings:
    """Settings for a copy of the clean index, to damage."""
    subprocess.run(["cp", "-a", str(clean.data_dir), str(settings.data_dir)], check=True)
    return settings


def assert_clean(settings: Settings, clean: Clean, embedder: Embedder) -> None:
    """The index is the clean build again: the same articles and chunks, a keyword index of them, a clean check."""
    indexer = open_indexer(settings, embedder)
    assert snapshot(indexer) == clean.snapshot
    assert_consistent(indexer)
    assert keyword_ids(indexer) == stored_ids(indexer)
    indexer.manifest.close()
    health = check_index(settings)
    assert health.ok, health.problems
    assert (health.articles, health.chunks) == (len(clean.snapshot[0]), len(clean.snapshot[1]))


def keyword_ids(indexer: Indexer) -> set[str]:
    saved = KeywordIndex.load(indexer.keyword_dir, indexer.manifest.generation)
    assert saved is not None
    return set(saved.ids)


@pytest.mark.parametrize(
    ("plant", "kinds", "lost"),
    [
        (damage.delete_a_chunk, {MISSING}, False),
        (damage.save_an_old_keyword_index, {KEYWORD}, False),
        (damage.add_an_orphan_chunk, {ORPHANS}, False),
        (damage.add_a_row_without_chunks, {MISSING, KEYWORD}, True),  # the row moved the manifest on; no source
        (damage.change_a_chunk_s_content, {MISMATCH}, False),
        (damage.claim_another_model, {MODEL}, False),
    ],
)
def test_each_kind_of_damage_is_named_left_as_it_is_and_repaired(
    copied: Settings,
    clean: Clean,
    real_embedder: Embedder,
    plant: Callable[[Settings], str],
    kinds: set[str],
    lost: bool,
) -> None:
    damaged = plant(copied)
    before = damage.state(copied)
    health = check_index(copied)
    assert not health.ok
    assert {p.kind for p in health.problems} == kinds
    assert all(damaged in p.detail for p in health.problems if p.kind in (MISSING, MISMATCH, ORPHANS))
    assert "run `newsqa check --repair`" in health.summary()
    assert damage.state(copied) == before

    done = repair_index(copied, real_embedder)
    if lost:  # a row for a file that is gone: dropped, and said so
        assert (done.dropped, done.restored) == (1, 0)
        assert any("its source no longer gives it" in f.reason for f in done.report.failed)
    else:
        assert done.report.failed == []
    assert_clean(copied, clean, real_embedder)


def test_another_model_is_not_embedded_again_while_an_article_cannot_be_read(
    copied: Settings, real_embedder: Embedder
) -> None:
    damage.add_a_row_without_chunks(copied)
    damage.claim_another_model(copied)
    before = damage.state(copied)
    with pytest.raises(NewsqaError, match=r"cannot embed the index again .* so nothing was changed"):
        repair_index(copied, real_embedder)
    assert damage.state(copied) == before
    assert {p.kind for p in check_index(copied).problems} == {MODEL, MISSING, KEYWORD}


HOLD = """
import sys
from pathlib import Path
from index.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_held_lock_is_reported_with_its_holder_and_a_killed_holder_as_stale(
    copied: Settings, clean: Clean, real_embedder: Embedder
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(copied.lock_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = damage.state(copied)
        health = check_index(copied)
        [busy] = health.problems
        assert busy.kind == BUSY and f"pid {holder.pid} on " in busy.detail and " since " in busy.detail
        assert "newsqa check --repair" not in health.summary()  # nothing to mend: wait
        with pytest.raises(IndexBusyError, match=f"the index is busy: another indexing run \\(pid {holder.pid} "):
            repair_index(copied, real_embedder)
        assert damage.state(copied) == before
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
        holder.stdout.close()  # type: ignore[union-attr]
        holder.stdin.close()  # type: ignore[union-attr]

    [stale] = check_index(copied).problems  # the system freed the lock; the holder's record is left
    assert stale.kind == STALE_LOCK and f"pid {holder.pid} on " in stale.detail
    expected = "Repaired: the writer lock's record of a killed run removed; 0 failed."
    assert repair_index(copied, real_embedder).summary() == expected
    assert not holder_path(copied.lock_path).exists()
    assert_clean(copied, clean, real_embedder)
