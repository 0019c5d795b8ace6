"""`newsqa check`: each kind of damage is named, checking changes nothing, and a repair gives back the clean index.

The index is built with the real bundled model from fourteen real articles;
each test damages a copy of it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.health import check_index, repair_index
from bot.app.move import move_index
from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from index.embed.base import Embedder
from index.errors import IndexBusyError, NewsqaError
from index.health import BUSY, KEYWORD_EXTRA, KEYWORD_MISSING, MISMATCH, MISSING, MODEL, ORPHANS, STALE_LOCK
from index.lock import holder_path
from tests.checks import assert_consistent
from tests.index import damage
from tests.index.runs import lock_held, snapshot, write_articles, writer_lock


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
    """Settings for a copy of the clean index, to damage; its records moved into this run's PostgreSQL schema
    when the run keeps them there."""
    subprocess.run(["cp", "-a", str(clean.data_dir), str(settings.data_dir)], check=True)
    if settings.database_url is not None:
        move_index(settings.model_copy(update={"database_url": None}), settings.database_url.get_secret_value())
    return settings


def assert_clean(settings: Settings, clean: Clean, embedder: Embedder) -> None:
    """The index is the clean build again: the same articles and chunks, their keyword rows, a clean check."""
    indexer = open_indexer(settings, embedder)
    assert snapshot(indexer) == clean.snapshot
    assert_consistent(indexer)
    assert not settings.legacy_keyword_dir.exists()
    indexer.manifest.close()
    health = check_index(settings)
    assert health.ok, health.problems
    assert (health.articles, health.chunks) == (len(clean.snapshot[0]), len(clean.snapshot[1]))


@pytest.mark.parametrize(
    ("plant", "kinds", "lost"),
    [
        (damage.delete_a_chunk, {MISSING}, False),
        (damage.delete_a_keyword_row, {KEYWORD_MISSING}, False),
        (damage.add_a_keyword_row, {KEYWORD_EXTRA}, False),
        pytest.param(
            damage.make_it_an_earlier_version_s, {KEYWORD_MISSING}, False,
            marks=pytest.mark.records_in("sqlite", reason="an earlier version kept the records in SQLite only"),
        ),  # fmt: skip
        (damage.add_an_orphan_chunk, {ORPHANS}, False),
        (damage.add_a_row_without_chunks, {MISSING}, True),  # no source
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
    assert all(damaged in p.detail for p in health.problems if p.kind not in (MODEL, BUSY, STALE_LOCK))
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
    assert {p.kind for p in check_index(copied).problems} == {MODEL, MISSING}


def test_a_held_lock_is_reported_with_its_holder_and_a_killed_holder_as_stale(
    copied: Settings, clean: Clean, real_embedder: Embedder
) -> None:
    with lock_held(writer_lock(copied)) as holder:
        before = damage.state(copied)
        health = check_index(copied)
        [busy] = health.problems
        assert busy.kind == BUSY and f"pid {holder.pid} on " in busy.detail and " since " in busy.detail
        assert "newsqa check --repair" not in health.summary()  # nothing to mend: wait
        with pytest.raises(IndexBusyError, match=f"the index is busy: another indexing run \\(pid {holder.pid} "):
            repair_index(copied, real_embedder)
        assert damage.state(copied) == before

    [stale] = check_index(copied).problems  # the system freed the lock; the holder's record is left
    assert stale.kind == STALE_LOCK and f"pid {holder.pid} on " in stale.detail
    expected = "Repaired: the writer lock's record of a killed run removed; 0 failed."
    assert repair_index(copied, real_embedder).summary() == expected
    assert copied.database_url or not holder_path(copied.lock_path).exists()  # in PostgreSQL: a row, checked below
    assert_clean(copied, clean, real_embedder)
