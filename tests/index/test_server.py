"""The index on a Chroma server (CHROMA_HOST/CHROMA_PORT), as a bot and an indexer share it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app.health import check_index, repair_index
from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import store_location
from index.embed.base import Embedder
from index.errors import StoreUnavailableError
from index.health import MISSING, ORPHANS
from tests.checks import assert_consistent
from tests.conftest import DATA, index_settings
from tests.fakes import HashEmbedder
from tests.index import damage
from tests.index.chroma import ChromaServer, free_port
from tests.index.runs import ROOT, child, index_in_process, lock_held, snapshot, write_articles


def test_indexer_and_reader_share_one_server(
    chroma_server: int, database_url: str | None, tmp_path: Path, articles_dir: Path
) -> None:
    def settings(name: str) -> Settings:
        return index_settings(
            tmp_path / "shared", database_url, CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server, NEWSQA_COLLECTION=name
        )

    writer = Service(settings("server-share"), HashEmbedder())
    assert str(writer.indexer.store.location) == f"chroma://127.0.0.1:{chroma_server}"
    report = writer.indexer.index_paths([articles_dir])
    assert report.added == 1 and report.chunks > 0

    reader = Service(settings("server-share"), HashEmbedder())  # another client, as another process
    assert reader.indexer.store.count() == report.chunks
    passages = reader.retriever.search("death toll 84 people injured", k=3)
    assert any("84 people" in p.text for p in passages)
    assert writer.indexer.index_paths([articles_dir]).unchanged == 1


@pytest.mark.records_in("sqlite", reason="about the data folder's manifest of each store")
def test_a_local_store_and_a_server_keep_their_own_records(
    chroma_server: int, tmp_path: Path, articles_dir: Path
) -> None:
    """One data folder, used with its local store and then with a server: each keeps its own manifest."""
    local_settings = Settings(NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST=None)
    server_settings = Settings(
        NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server, NEWSQA_COLLECTION="own-records"
    )
    assert server_settings.manifest_path != local_settings.manifest_path
    local = Service(local_settings, HashEmbedder())
    assert local.indexer.index_paths([articles_dir]).added == 1

    server = Service(server_settings, HashEmbedder())
    assert server.is_empty()
    assert server.indexer.index_paths([DATA / "realtimeqa-slice.jsonl"]).added == 14
    assert_consistent(server.indexer)

    local = Service(local_settings, HashEmbedder())
    assert len(local.indexer.manifest.entries()) == 1
    report = local.indexer.index_paths([articles_dir], prune=True)
    assert (report.unchanged, report.removed, report.added) == (1, 0, 0)
    assert_consistent(local.indexer)


@pytest.mark.records_in("sqlite", reason="an earlier version kept the records in SQLite only")
def test_records_kept_beside_a_server_s_store_by_earlier_versions_are_adopted(
    chroma_server: int, tmp_path: Path, articles_dir: Path
) -> None:
    settings = Settings(
        NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST="localhost", CHROMA_PORT=chroma_server, NEWSQA_COLLECTION="adopted"
    )
    same_server = Settings(
        NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server, NEWSQA_COLLECTION="adopted"
    )
    assert settings.index_dir == same_server.index_dir  # localhost is 127.0.0.1: one server, one set of records
    first = Service(settings, HashEmbedder())
    assert first.indexer.index_paths([articles_dir]).added == 1
    first.indexer.manifest.close()
    for record in settings.index_dir.iterdir():  # the layout of earlier versions: records in the data folder
        record.rename(tmp_path / record.name)
    settings.index_dir.rmdir()

    again = Service(settings, HashEmbedder())
    assert not again.is_empty() and len(again.indexer.manifest.entries()) == 1
    assert again.indexer.index_paths([articles_dir]).unchanged == 1
    assert_consistent(again.indexer)


def test_a_server_holding_another_data_folder_s_chunks_is_not_empty(
    chroma_server: int, index_databases: Callable[[], str | None], tmp_path: Path, articles_dir: Path
) -> None:
    """Indexing the samples into it would remove those chunks as orphans: it is not taken for a new index."""

    def settings(folder: str) -> Settings:  # each with records of its own (in PostgreSQL: a schema each)
        return index_settings(
            tmp_path / folder, index_databases(), CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server,
            NEWSQA_COLLECTION="other-folder",
        )  # fmt: skip

    assert Service(settings("a"), HashEmbedder()).indexer.index_paths([articles_dir]).added == 1
    other = Service(settings("b"), HashEmbedder())
    assert not other.indexer.manifest.entries() and not other.is_empty()
    assert other.fill_if_empty() is None and other.indexer.store.count() > 0


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=free_port())
    assert str(store_location(settings)).startswith("chroma://127.0.0.1:")
    with pytest.raises(StoreUnavailableError, match="cannot open the Chroma store at chroma://127.0.0.1"):
        Service(settings, HashEmbedder())


def test_tests_cannot_reach_the_network() -> None:
    with pytest.raises(ConnectionRefusedError, match="may not reach the network"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)


def test_separate_processes_and_a_server_restart_lose_nothing(tmp_path: Path, database_url: str | None) -> None:
    """Indexer processes and a reader share a server that is restarted, also in the middle of a run."""
    server = ChromaServer(tmp_path / "chroma").start()
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(server.port), "NEWSQA_COLLECTION": "restart"}
    data_dir, folder = tmp_path / "data", tmp_path / "news"
    settings = index_settings(data_dir, database_url, **env)
    env |= {"NEWSQA_DATABASE_URL": database_url} if database_url else {}
    try:
        write_articles(folder, 1)
        first = child(data_dir, folder, env)
        out, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
        reader = Service(settings, HashEmbedder())  # the bot's side, in this process
        before = snapshot(reader.indexer)
        assert len(before[0]) == 14 and reader.retriever.search("darts world championship final", k=3)

        server.stop()
        with pytest.raises(StoreUnavailableError, match="lost the connection to the Chroma store at chroma://"):
            reader.retriever.search("darts world championship final", k=3)
        down = child(data_dir, folder, env)
        _, err = down.communicate(timeout=300)
        assert down.returncode != 0 and "StoreUnavailableError" in err

        server.start()  # the same clients carry on
        assert reader.retriever.search("darts world championship final", k=3)
        assert snapshot(reader.indexer) == before

        # Edition 2, with the server stopped after a few writes of the run.
        write_articles(folder, 2)
        run = child(data_dir, folder, env)
        assert run.stdout is not None
        for _ in range(5):
            run.stdout.readline()
        server.stop()
        _, err = run.communicate(timeout=300)
        assert run.returncode != 0 and "StoreUnavailableError" in err
        server.start()
        again = child(data_dir, folder, env)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err

        clean = index_in_process(tmp_path / "clean", folder)
        assert snapshot(reader.indexer) == snapshot(clean)
        assert_consistent(reader.indexer)
    finally:
        server.stop()


def test_check_and_repair_on_a_server(chroma_server: int, database_url: str | None, tmp_path: Path) -> None:
    """Damage in a server's collection is named, checking changes nothing, and a repair gives the clean index."""
    settings = index_settings(
        tmp_path / "data", database_url, CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server,
        NEWSQA_COLLECTION="checked", NEWSQA_EMBEDDING_MODEL=HashEmbedder().name,
    )  # fmt: skip
    folder = tmp_path / "news"
    write_articles(folder, 1)
    indexer = Service(settings, HashEmbedder()).indexer
    assert indexer.index_paths([folder]).added == 14
    indexer.manifest.close()  # as the indexing process ends
    assert check_index(settings).ok
    missing, orphan = damage.delete_a_chunk(settings), damage.add_an_orphan_chunk(settings)
    before = damage.state(settings)
    found = {p.kind: p.detail for p in check_index(settings).problems}
    assert set(found) == {MISSING, ORPHANS} and missing in found[MISSING] and orphan in found[ORPHANS]
    assert damage.state(settings) == before

    assert repair_index(settings, HashEmbedder()).restored == 1
    repaired = Service(settings, HashEmbedder()).indexer
    assert snapshot(repaired) == snapshot(index_in_process(tmp_path / "clean", folder))
    assert_consistent(repaired)
    assert check_index(settings).ok


def test_two_processes_with_their_own_data_folders_share_one_index_in_postgres_and_a_chroma_server(
    chroma_server: int, pg_url: str, tmp_path: Path, articles_dir: Path, real_embedder: Embedder
) -> None:
    """As two hosts would: `newsqa` processes with different data folders, the same database and Chroma server.

    An index run from one is answered from by the other, and by a long-running reader (the bot's side, in this
    process) at its next question, without a restart; a second writer is refused, naming the first.
    """
    shared = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server), "NEWSQA_DATABASE_URL": pg_url,
              "NEWSQA_COLLECTION": f"hosts-{uuid.uuid4().hex[:8]}"}  # fmt: skip

    def newsqa(host: str, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSQA_DATA_DIR": str(tmp_path / host), **shared}
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600
        )

    indexed = newsqa("host-a", "index", str(articles_dir))
    assert indexed.returncode == 0, indexed.stderr
    bot = Service(Settings(NEWSQA_DATA_DIR=tmp_path / "host-c", **shared), real_embedder)
    asked = newsqa("host-b", "ask", "How many people were killed in the Kerman attack?", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["answered"] and {c["title"] for c in answer["citations"]} == {e.title for e in bot.sources()}
    assert answer == bot.ask("How many people were killed in the Kerman attack?").as_dict()

    more = newsqa("host-a", "index", str(DATA / "realtimeqa-slice.jsonl"))
    assert more.returncode == 0, more.stderr
    darts = "Who beat 16-year-old darts prodigy Luke Littler to become the PDC world champion?"
    answer = json.loads(newsqa("host-b", "ask", darts, "--json").stdout)
    assert answer["answered"] and any("Littler" in c["text"] for c in answer["citations"])
    assert len(bot.sources()) == 15 and bot.ask(darts).as_dict() == answer  # the bot's next question: no restart
    checked = newsqa("host-b", "check")
    assert checked.returncode == 0 and checked.stdout.startswith("The index is consistent: 15 articles, "), checked

    with lock_held(pg_url) as holder:
        refused = newsqa("host-b", "index", str(articles_dir))
    assert refused.returncode == 1
    assert f"the index is busy: another indexing run (pid {holder.pid} on " in refused.stderr
    assert " since " in refused.stderr
