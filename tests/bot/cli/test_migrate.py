"""`newsqa migrate --to postgresql://…` on the command line: the same answers afterwards with NEWSQA_DATABASE_URL
set, one summary line without the password, and one-line errors (the records' details: tests/index/test_move.py)."""

from __future__ import annotations

import json

import pytest
from psycopg.conninfo import make_conninfo

from bot.app.service import Service
from bot.app.settings import Settings
from index import SAMPLES_DIR
from index.embed.base import Embedder
from tests.bot.cli.cli import run
from tests.conftest import DATA
from tests.index import damage

QUESTION = "Who beat 16-year-old darts prodigy Luke Littler to become the PDC world champion?"


@pytest.fixture
def indexed(env: Settings, real_embedder: Embedder) -> Settings:
    """Fourteen real articles and the sample indexed with the real model into the data dir the commands use."""
    service = Service(env, real_embedder)
    assert service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl", SAMPLES_DIR]).added == 15
    service.indexer.manifest.close()
    return env


def test_ask_answers_as_before_after_the_move_and_the_password_is_never_shown(
    indexed: Settings, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, before, _ = run("ask", "--json", QUESTION)
    assert code == 0 and json.loads(before)["answered"]
    with_password = make_conninfo(pg_url, password="hunter2")  # trust auth: accepted, and never to be printed
    code, stdout, stderr = run("migrate", "--to", with_password)
    assert code == 0 and "hunter2" not in stdout + stderr
    [line] = stdout.splitlines()
    assert line.startswith("Moved 15 articles (") and "chunks) to postgresql://" in line
    assert line.endswith(
        "; nothing was embedded again. Set NEWSQA_DATABASE_URL to the address given to --to to use it; "
        "the Discord follows and answer history and the feed cache go along."
    )
    code, _, stderr = run("index", str(SAMPLES_DIR))  # without the database: refused, the store is shared now
    assert code == 1 and stderr.startswith(f"error: the index in {indexed.data_dir} was moved to postgresql://")
    assert len(stderr.splitlines()) == 1 and "hunter2" not in stderr
    monkeypatch.setenv("NEWSQA_DATABASE_URL", with_password)
    code, after, _ = run("ask", "--json", QUESTION)
    assert code == 0 and json.loads(after) == json.loads(before)
    code, stdout, _ = run("stats", "--json")
    assert json.loads(stdout)["manifest"].startswith("postgresql://") and "hunter2" not in stdout
    code, stdout, _ = run("check")
    assert code == 0 and stdout.startswith("The index is consistent: 15 articles")


def test_errors_are_one_line(env: Settings, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = run("migrate", "--to", "sqlite:///tmp/x")
    assert (code, stdout) == (1, "")
    assert stderr == "error: --to takes the address of a PostgreSQL database: postgresql://USER@HOST/DB\n"
    code, _, stderr = run("migrate", "--to", pg_url)
    nothing = f"error: there is no index in {env.data_dir} to move: nothing was ever indexed there\n"
    assert (code, stderr) == (1, nothing)
    monkeypatch.setenv("NEWSQA_DATABASE_URL", pg_url)
    code, _, stderr = run("migrate", "--to", pg_url)
    assert code == 1 and stderr.startswith("error: NEWSQA_DATABASE_URL is set, so the index is in PostgreSQL already")
    code, _, stderr = run("migrate")
    assert code == 2 and "Missing option '--to'" in stderr


def test_a_damaged_index_is_refused_in_one_line_naming_the_repair(
    indexed: Settings, pg_url: str
) -> None:
    damage.delete_a_chunk(indexed)
    code, stdout, stderr = run("migrate", "--to", pg_url)
    assert (code, stdout, len(stderr.splitlines())) == (1, "", 1)
    assert stderr.startswith("error: refusing to move an index that is not consistent: 1 problem found: missing_chunks")
    assert "run `newsqa check --repair` to mend it." in stderr
