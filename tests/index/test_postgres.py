"""The index's records in PostgreSQL (NEWSQA_DATABASE_URL): the same answers, keyword scores and promises as the
embedded SQLite records, one writer across processes, and `check` and `repair`.

Each test gets a fresh schema of the local PostgreSQL (tests/conftest.py); without one they are skipped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import replace

import numpy as np
import psycopg
import pytest

from bot.app.health import check_index, repair_index
from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import open_database
from index import SAMPLES_DIR
from index.embed.base import Embedder
from index.errors import IndexBusyError, NewsqaError, StoreUnavailableError
from index.health import BUSY, MISSING, ORPHANS, STALE_LOCK
from index.pg import AdvisoryLock, PostgresRecords, migrations
from index.pg import lock as pg_lock
from index.records import SqliteRecords
from tests.checks import assert_consistent
from tests.conftest import CHOOSES_ITS_DATABASES, DATA
from tests.fakes import HashEmbedder
from tests.index import damage
from tests.index.runs import ROOT, index_in_process, lock_held, snapshot, write_articles
from tests.index.test_keyword import QUESTION, STORIES, story

pytestmark = CHOOSES_ITS_DATABASES  # the PostgreSQL mode's own tests, some beside SQLite


def test_keyword_scores_are_those_of_sqlite_s_bm25(pg_url: str, tmp_path) -> None:
    """The same stems and the same BM25: the same chunks, in the same order, with the same scores."""
    sqlite = SqliteRecords(tmp_path / "manifest.sqlite3", tmp_path / "index.lock").open()
    postgres = PostgresRecords(pg_url, "test store").open()
    for manifest in (sqlite, postgres):
        for title, texts in STORIES.items():
            manifest.record(story(title), texts, [], np.zeros((0, 4), dtype=np.float32))
        manifest.forget(story("Rail fares").id)  # the document frequencies follow removals too
    admitted = {story("Coastal storms").id, story("Ferry strike").id}
    for topic, only in [(QUESTION, None), (QUESTION, admitted), ("London storms storms", None), ("rail", None)]:
        expected = sqlite.keyword_search(topic, 10, only)
        found = postgres.keyword_search(topic, 10, only)
        assert [c for c, _ in found] == [c for c, _ in expected], topic
        assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-9)
    assert postgres.keyword_search("Who was it, and which did they?", 10) == []
    untimed = [{k: replace(e, indexed_at="") for k, e in m.entries().items()} for m in (postgres, sqlite)]
    assert untimed[0] == untimed[1] and postgres.totals() == sqlite.totals()  # written a moment apart
    postgres.clear()
    assert postgres.keyword_search("London", 10) == [] and postgres.totals() == (0, 0)
    postgres.close()


def assert_same_ranking(found: list[tuple[str, float]], expected: list[tuple[str, float]]) -> None:
    """The same scores, in order, and the same chunks for each, but for which of the chunks tied at the end
    made the cut (in an order neither database promises)."""
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-9)
    last = expected[-1][1] if expected else 0.0
    assert {(c, round(s, 9)) for c, s in found if s > last * (1 + 1e-9)} == {
        (c, round(s, 9)) for c, s in expected if s > last * (1 + 1e-9)
    }


def test_index_then_ask_gives_the_answers_of_the_sqlite_mode(
    pg_settings: Settings, slice_index: Service, real_embedder: Embedder
) -> None:
    """Fourteen real articles and the sample, indexed with the real model into each kind of records."""
    service = Service(pg_settings, real_embedder)
    report = service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl", SAMPLES_DIR])
    assert report.added == 15 and not report.failed
    assert_consistent(service.indexer)
    assert service.stats().manifest.startswith("postgresql://")
    assert service.sources() == slice_index.sources()  # the same rows, in the same order
    questions = [json.loads(line)["question"] for line in (DATA / "realtimeqa-questions.jsonl").read_text().splitlines()]
    for question in questions:
        assert_same_ranking(service.retriever.keyword_search(question, 20), slice_index.retriever.keyword_search(question, 20))
        ours, theirs = service.ask(question), slice_index.ask(question)
        assert ours.as_dict() == theirs.as_dict(), question


def hashed(settings: Settings) -> Settings:
    """``settings`` with the model of the fake embedder, which the check then expects."""
    return Settings(
        NEWSQA_DATA_DIR=settings.data_dir, NEWSQA_DATABASE_URL=settings.database_url,
        NEWSQA_EMBEDDING_MODEL=HashEmbedder().name,
    )  # fmt: skip


def test_a_second_writer_is_refused_with_its_holder_and_a_killed_one_frees_the_lock(
    pg_settings: Settings, articles_dir
) -> None:
    pg_settings = hashed(pg_settings)
    indexer = Service(pg_settings, HashEmbedder()).indexer
    url = pg_settings.database_url.get_secret_value()  # type: ignore[union-attr]
    with lock_held(url) as holder:
        busy = rf"the index is busy: another indexing run \(pid {holder.pid} on [^,]+, `-c [^`]*`, since [0-9T:+-]+\)"
        with pytest.raises(IndexBusyError, match=busy + " holds the writer lock of postgresql://"):
            indexer.index_paths([articles_dir])
        [problem] = check_index(pg_settings).problems
        assert problem.kind == BUSY and f"pid {holder.pid} on " in problem.detail
        holder.kill()  # kill -9: its session ends, and the server frees the lock; its row is left
        holder.wait(timeout=60)
        assert indexer.index_paths([articles_dir]).added == 1
    indexer.manifest.close()
    assert check_index(pg_settings).ok  # the run that followed wrote its own row, and removed it


def test_a_run_whose_connection_was_lost_reports_its_own_error(pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The lock's connection ends midway (a server restart, a network cut): removing the holder's row then fails
    too, and the run's own error is still the one raised."""
    PostgresRecords(pg_url, "test store").open().close()  # the tables
    with pytest.raises(RuntimeError, match="the run's own error"), AdvisoryLock(pg_url).hold():
        with psycopg.connect(pg_url, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
                " AND classid = %s AND objid = (hashtext(current_schema())::bigint & 4294967295)::oid",
                (pg_lock.WRITING,),
            ).fetchall()
        assert ended == [(True,)]
        raise RuntimeError("the run's own error")
    assert "could not be removed" in caplog.text
    with AdvisoryLock(pg_url).hold():  # and the lock is free again
        pass


def test_a_killed_holder_s_row_is_a_stale_lock_that_repair_removes(pg_settings: Settings, articles_dir) -> None:
    pg_settings = hashed(pg_settings)
    assert Service(pg_settings, HashEmbedder()).indexer.index_paths([articles_dir]).added == 1
    with lock_held(pg_settings.database_url.get_secret_value()) as holder:  # type: ignore[union-attr]
        holder.kill()
        holder.wait(timeout=60)
    [stale] = check_index(pg_settings).problems
    assert stale.kind == STALE_LOCK and f"pid {holder.pid} on " in stale.detail
    assert repair_index(pg_settings, HashEmbedder()).lock_record_removed
    assert check_index(pg_settings).ok


def test_check_names_damage_and_repair_mends_it(pg_settings: Settings, tmp_path) -> None:
    settings = hashed(pg_settings)
    health = check_index(settings)
    assert not health.created and health.ok  # nothing was made: and checking made nothing either
    assert open_database(settings).reader() is None
    folder = tmp_path / "news"
    write_articles(folder, 1)
    indexer = Service(settings, HashEmbedder()).indexer
    assert indexer.index_paths([folder]).added == 14
    indexer.manifest.close()
    assert check_index(settings).ok and check_index(settings).articles == 14
    missing, orphan = damage.delete_a_chunk(settings), damage.add_an_orphan_chunk(settings)
    found = {p.kind: p.detail for p in check_index(settings).problems}
    assert set(found) == {MISSING, ORPHANS} and missing in found[MISSING] and orphan in found[ORPHANS]

    assert repair_index(settings, HashEmbedder()).restored == 1
    repaired = Service(settings, HashEmbedder()).indexer
    assert snapshot(repaired) == snapshot(index_in_process(tmp_path / "clean", folder))
    assert_consistent(repaired)
    assert check_index(settings).ok


def test_migrations_are_applied_once_and_recorded(pg_url: str) -> None:
    for _ in range(2):
        PostgresRecords(pg_url, "test store").open().close()
    with psycopg.connect(pg_url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [number for number, _ in migrations()] and versions[0] == 1


def test_records_of_another_store_are_refused_rather_than_taken_for_damage(pg_url: str) -> None:
    PostgresRecords(pg_url, "chroma://a:8000 (collection newsqa)").open().close()
    with pytest.raises(NewsqaError, match=r"holds the index of the chunks in chroma://a:8000 \(collection newsqa\)"):
        PostgresRecords(pg_url, "chroma://b:8000 (collection newsqa)").open()


def test_an_unreachable_database_is_one_clear_error(settings: Settings) -> None:
    unreachable = Settings(
        NEWSQA_DATA_DIR=settings.data_dir, NEWSQA_DATABASE_URL="postgresql://postgres:secret@127.0.0.1:1/none"
    )
    with pytest.raises(StoreUnavailableError, match=r"cannot reach the PostgreSQL database at "
                       r"postgresql://postgres@127.0.0.1:1/none: .*; is it running\?") as raised:  # fmt: skip
        Service(unreachable, HashEmbedder())
    assert "secret" not in str(raised.value)


def test_without_postgresql_its_tests_are_skipped_with_a_line_each_saying_how_to_run_them() -> None:
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "NEWSQA_TEST_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/test"}
    env.pop("NEWSQA_TEST_POSTGRES", None)
    tests = [f"{__file__}::{name}" for name in ("test_migrations_are_applied_once_and_recorded", "test_records_of_another_store_are_refused_rather_than_taken_for_damage")]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *tests],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert run.returncode == 0 and "2 skipped" in run.stdout, run.stdout
    assert len(skipped) == 2
    for line in skipped:
        assert "no PostgreSQL reachable at postgresql://postgres@127.0.0.1:" in line
        assert "run the PostgreSQL tests with a local PostgreSQL on 127.0.0.1:5432" in line


def test_records_made_before_stories_have_none_until_opened_for_writing(pg_url: str) -> None:
    """A reader changes nothing, so records of the first schema read without the stories' tables; the writer's
    migration adds them, and the next indexing run places the articles (tests/index/test_stories.py)."""
    records = PostgresRecords(pg_url, "test store")
    records.open().close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP TABLE stories, story_sentences, follows, posted, votes, messages, answers, responses")
        conn.execute("DELETE FROM schema_version WHERE version > 1")
    reader = records.reader()
    assert reader is not None and reader.memberships() == {}
    reader.close()
    writer = records.open()
    assert writer.memberships() == {} and writer.entries() == {}
    writer.close()


def test_a_run_that_ends_frees_the_lock_at_once_not_when_the_server_ends_its_session(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server ends a closed connection's session a moment after the client closed it (later still on a busy
    machine): the run that follows at once, or the check after a repair, must find the lock free."""
    PostgresRecords(pg_url, "test store").open().close()
    lingering: list[psycopg.Connection] = []

    def slow_to_end(url: str) -> psycopg.Connection:
        conn = psycopg.connect(url, autocommit=True)
        lingering.append(conn)
        conn.close = lambda: None  # type: ignore[method-assign]  # a session the server has yet to end
        return conn

    lock = AdvisoryLock(pg_url)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(pg_lock, "connect", slow_to_end)
            with lock.hold():
                pass
        assert not lock.status().held
        with lock.hold():  # the next run
            assert lock.status().held
    finally:
        for conn in lingering:
            psycopg.Connection.close(conn)


def test_an_indexing_run_leaves_the_planner_statistics_of_its_tables_up_to_date(
    pg_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without them (a server without autovacuum, or before it comes round), the story of each new article was
    looked up by reading every sentence key of the index. Analysed during a run (here every 5 articles) and at
    its end: then only the tables a tenth of whose rows changed since."""
    from index.pg import manifest as pg_manifest

    monkeypatch.setattr(pg_manifest, "ANALYSE_EVERY", 5)
    pg_settings = hashed(pg_settings)
    service = Service(pg_settings, HashEmbedder())
    url = pg_settings.database_url.get_secret_value()  # type: ignore[union-attr]
    analysed: list[list[str]] = []
    analyse = service.indexer.manifest.analyse
    monkeypatch.setattr(service.indexer.manifest, "analyse", lambda: analysed.append(analyse()) or analysed[-1])
    assert service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl"]).added == 14
    assert len(analysed) == 3  # after the 5th and the 10th article, and at the end
    assert set(analysed[0]) == {"articles", "sentences", "chunks", "terms", "stories", "story_sentences"}
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE schemaname = current_schema()"
            " AND relname IN ('articles', 'sentences', 'chunks', 'terms', 'stories', 'story_sentences')"
        ).fetchall()
    assert len(rows) == 6 and all(done for _, done in rows)
    # a failed analysis (a statement timeout, a lost connection) is logged, and indexing goes on
    monkeypatch.setattr(pg_manifest, "_STALE", "SELECT relname FROM no_such_table WHERE %s IS NOT NULL")
    assert analyse() == [] and "were not brought up to date" in caplog.text
