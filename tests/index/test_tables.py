"""Rows of an earlier version's file copied into the small tables once, by one process only, whatever starts
together on a shared data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.tables import SqliteTables, Tables, adopt

SCHEMA = "CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL);"


def copy_notes(source: Tables, target: Tables) -> int:
    rows = source.rows("SELECT text FROM notes")
    target.run_many("INSERT INTO notes (text) VALUES (?)", rows)
    return len(rows)


def failing_copy(source: Tables, target: Tables) -> int:
    raise OSError("disk full")


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite3"
    earlier = SqliteTables(path, SCHEMA)
    earlier.run("INSERT INTO notes (text) VALUES ('kept')")
    earlier.close()
    return path


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Tables]:
    tables = SqliteTables(tmp_path / "manifest.sqlite3", SCHEMA)
    yield tables
    tables.close()


def test_an_earlier_file_is_copied_once_and_put_aside(legacy: Path, target: Tables) -> None:
    assert adopt(legacy, SCHEMA, target, copy_notes)
    assert not adopt(legacy, SCHEMA, target, copy_notes)
    assert target.rows("SELECT text FROM notes") == [("kept",)]
    assert not legacy.exists() and legacy.with_name("notes.sqlite3.moved").is_file()
    assert not legacy.with_name("notes.sqlite3.adopting").exists()


def test_a_file_another_process_claimed_is_left_to_it(legacy: Path, target: Tables) -> None:
    claimed = legacy.rename(legacy.with_name("notes.sqlite3.adopting"))  # another process is copying it
    assert not adopt(legacy, SCHEMA, target, copy_notes)
    assert not adopt(legacy, SCHEMA, target, copy_notes)
    assert target.rows("SELECT text FROM notes") == [] and claimed.is_file()


def test_a_failed_copy_puts_the_file_back_for_the_next_start(legacy: Path, target: Tables) -> None:
    with pytest.raises(OSError, match="disk full"):
        adopt(legacy, SCHEMA, target, failing_copy)
    assert legacy.is_file() and not legacy.with_name("notes.sqlite3.adopting").exists()
    assert adopt(legacy, SCHEMA, target, copy_notes)
    assert target.rows("SELECT text FROM notes") == [("kept",)]
