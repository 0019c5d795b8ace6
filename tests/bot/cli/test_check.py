"""`newsqa check` on the command line: one line when healthy, a line per problem, --json, --repair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from index import SAMPLES_DIR
from index.embed.base import Embedder
from tests.bot.cli.cli import run
from tests.index import damage

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.fixture
def indexed(env: Settings, real_embedder: Embedder) -> Settings:
    """The sample article indexed with the real model into the data dir the commands use."""
    assert Service(env, real_embedder).indexer.index_paths([SAMPLES_DIR]).added == 1
    return env


def no_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Make the embedding model impossible to load: its cache is a file, not a folder."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("NEWSQA_MODEL_CACHE", str(blocker))


def test_a_healthy_index_is_one_line_and_exit_0_without_the_model(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_model(monkeypatch, tmp_path)
    code, stdout, stderr = run("check")
    assert (code, stderr) == (0, "")
    expected = f"The index is consistent: 1 article, 3 chunks, built with {MODEL}, keyword index up to date."
    assert stdout.splitlines() == [expected]

    code, stdout, _ = run("check", "--json")
    assert code == 0
    assert json.loads(stdout) == {"ok": True, "articles": 1, "chunks": 3, "model": MODEL, "created": True, "problems": []}

    code, stdout, _ = run("check", "--repair")  # nothing to mend: the model is not needed either
    assert (code, stdout.splitlines()) == (0, [expected])


def test_problems_are_a_line_each_in_text_and_objects_in_json_and_repair_mends_them(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    article = damage.delete_a_chunk(indexed)
    orphan = damage.add_an_orphan_chunk(indexed)
    with monkeypatch.context() as patched:
        no_model(patched, tmp_path)
        code, stdout, _ = run("check")
        assert code == 1
        lines = stdout.splitlines()
        assert lines[0].startswith("missing_chunks: ") and article in lines[0]
        assert lines[1].startswith("orphan_chunks: ") and orphan in lines[1]
        assert lines[2:] == ["2 problems found; run `newsqa check --repair` to mend them."]

        code, stdout, _ = run("check", "--json")
        assert code == 1
        found = json.loads(stdout)
        assert found["ok"] is False and [p["kind"] for p in found["problems"]] == ["missing_chunks", "orphan_chunks"]
        assert all(set(p) == {"kind", "detail"} for p in found["problems"])

    code, stdout, stderr = run("check", "--repair", "--json")
    assert code == 0, stderr
    repaired = json.loads(stdout)
    assert repaired["found"] == found and repaired["after"]["ok"] is True
    assert (repaired["repair"]["orphans"], repaired["repair"]["dropped"], repaired["repair"]["restored"]) == (1, 1, 1)
    code, stdout, _ = run("check")
    assert code == 0 and stdout.startswith("The index is consistent: 1 article, 3 chunks")


def test_repair_in_text_names_what_it_found_and_did(indexed: Settings) -> None:
    damage.add_an_orphan_chunk(indexed)
    code, stdout, stderr = run("check", "--repair")
    assert code == 0, stdout + stderr
    assert stderr.startswith("found: orphan_chunks: 1 stored chunk of ")
    assert stdout.splitlines() == [
        "Repaired: 1 orphan chunk removed; 0 failed.",
        f"The index is consistent: 1 article, 3 chunks, built with {MODEL}, keyword index up to date.",
    ]


@pytest.mark.records_in("sqlite", reason="about the manifest file (PostgreSQL's errors: tests/index/test_postgres.py)")
def test_a_manifest_that_is_not_a_database_is_one_line(env: Settings) -> None:
    env.manifest_path.parent.mkdir(parents=True)
    env.manifest_path.write_bytes(b"not a database, " * 100)
    code, stdout, stderr = run("check")
    assert (code, stdout) == (1, "")
    assert stderr.strip() == f"error: cannot read the manifest {env.manifest_path}: file is not a database"
    assert env.manifest_path.read_bytes() == b"not a database, " * 100


def test_a_data_folder_where_nothing_was_indexed_says_so(env: Settings) -> None:
    code, stdout, _ = run("check")
    assert code == 0
    assert stdout.strip() == (
        "There is no index here yet: nothing has been indexed with these settings (NEWSQA_DATA_DIR)."
    )
    assert json.loads(run("check", "--json")[1])["created"] is False
    assert not env.data_dir.exists()  # checking created nothing


def test_a_lost_manifest_is_one_problem_that_says_what_happened(indexed: Settings) -> None:
    damage.lose_the_records(indexed)
    code, stdout, _ = run("check")
    assert code == 1
    [problem] = [line for line in stdout.splitlines() if line.startswith("orphan_chunks")]
    assert "the manifest lists no article, yet the store holds 3 chunks of 1 article" in problem
    assert "a manifest lost or replaced" in problem

    code, _, stderr = run("ask", "How many people were killed?")
    assert code == 0
    assert "its manifest lists no article; the 3 chunks stored without one are removed" in stderr
