"""The saved keyword index: generations, atomic saves, several savers at once."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import keyword
from index.keyword import KeywordIndex, build_and_save

TEXTS = ["Luke Humphries beat Luke Littler in the darts final.", "Storms flooded the Californian coast."]


def test_a_save_is_loaded_only_for_its_generation(tmp_path: Path) -> None:
    KeywordIndex.build(["a", "b"], TEXTS).save(tmp_path, 7)
    assert KeywordIndex.saved_stamp(tmp_path) == 7
    assert KeywordIndex.load(tmp_path, 8) is None
    loaded = KeywordIndex.load(tmp_path, 7)
    assert loaded is not None and [i for i, _ in loaded.search("darts final", 2)] == ["a"]


def test_earlier_saves_are_removed_after_the_grace_period(tmp_path: Path) -> None:
    KeywordIndex.build(["a"], TEXTS[:1]).save(tmp_path, 1)
    first = next(tmp_path.glob("gen-1-*"))
    old = time.time() - keyword.STALE_AFTER_S - 1
    os.utime(first, (old, old))
    KeywordIndex.build(["a", "b"], TEXTS).save(tmp_path, 2)
    assert not first.exists() and [p.name[:6] for p in tmp_path.glob("gen-*")] == ["gen-2-"]


def test_a_save_racing_another_savers_cleanup_succeeds_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process removed an earlier save between this one listing the folder and looking at it."""
    listed = Path.glob

    def listing_with_one_gone(self: Path, pattern: str) -> Iterator[Path]:
        yield self / "gen-3-removed-meanwhile"
        yield from listed(self, pattern)

    monkeypatch.setattr(Path, "glob", listing_with_one_gone)
    with caplog.at_level(logging.WARNING):
        build_and_save(tmp_path, 4, [])
    assert not caplog.records
    assert KeywordIndex.saved_stamp(tmp_path) == 4
