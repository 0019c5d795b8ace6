"""The answer history kept in the index's database: shared by the processes using it (on any host), adopted once
from an earlier version's file with its ids, and taken along by `newsqa migrate`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app.follows_db import open_follows
from bot.app.history import SCHEMA, History, copy_history, open_history
from bot.app.move import move_index
from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import small_tables
from bot.core.answer import Answer, Citation
from index import SAMPLES_DIR
from index.read.http import Fetcher, FetchOptions
from index.tables import PostgresTables, SqliteTables, open_pools
from tests.bot.cli.cli import run
from tests.conftest import sharing
from tests.fakes import HashEmbedder

CITED = Citation(1, "a1", "Kerman blasts", "2024-01-04", "local", "", "At least 84 died.", 0, 17, 1.0)
DIED = Answer("How many died in Kerman?", True, "At least 84 died. [1]", [CITED])
WON = Answer("Who won the darts?", True, "Luke Humphries. [1]", [CITED])


def hash_service(settings: Settings) -> Service:
    """A service over an empty index made with the fast hash embedder (the history needs no articles)."""
    return Service(settings.model_copy(update={"embedding_model": HashEmbedder().name}), HashEmbedder())


def old_history(path: Path) -> History:
    """The earlier layout: the same tables in a file of their own."""
    return History(SqliteTables(path, SCHEMA))


def test_services_with_other_data_folders_on_one_database_share_one_history(
    pg_settings: Settings, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools = open_pools()  # those other tests left open, each for a database of its own
    one = hash_service(pg_settings)
    other = sharing(one, Settings(NEWSQA_DATA_DIR=tmp_path / "other", NEWSQA_DATABASE_URL=pg_url))
    answered = one.history.record(DIED, context=None, guild_id=7, channel_id=8)
    one.history.sent(answered, [1001, 1002], channel_id=9)

    # A reply to the message the first process sent is a follow-up there too, and so is a message in its thread.
    assert other.history.topic_of_message(1002) == DIED.question
    assert other.history.topic_in(9) == DIED.question
    assert other.history.topic_of_message(1003) is None
    # One numbering of answers: the ids the vote buttons carry never meet twice.
    assert other.history.record(WON, context=DIED.question, guild_id=7, channel_id=9) == answered + 1

    assert one.history.vote(answered, user_id=1, up=True)
    assert other.history.vote(answered, user_id=2, up=False)  # a button under the first one's message
    monkeypatch.setenv("NEWSQA_DATA_DIR", str(other.settings.data_dir))
    monkeypatch.setenv("NEWSQA_DATABASE_URL", pg_url)
    code, stdout, _ = run("feedback", "--json")
    assert code == 0 and sorted(v["vote"] for v in json.loads(stdout)) == ["down", "up"]
    assert {v["answer_id"] for v in json.loads(stdout)} == {answered}

    assert one.follows.all() == []
    with Fetcher(one.indexer.fetch):  # an indexing run's feed cache
        assert open_pools() == pools + 1, "one pool for the small tables of one database, whatever opened them"
    assert not (one.settings.data_dir / "history.sqlite3").exists()
    assert not (other.settings.data_dir / "history.sqlite3").exists()
    one.history.close()
    one.follows.close()
    other.history.close()
    assert open_pools() == pools


@pytest.mark.records_in("sqlite", reason="about the manifest file (in PostgreSQL: the tests of two hosts above)")
def test_the_history_is_kept_in_the_manifest_file_and_survives_a_reopening(settings: Settings) -> None:
    history = open_history(settings)
    answered = history.record(DIED, context=None, guild_id=7, channel_id=8)
    history.sent(answered, [1001], channel_id=8)
    assert history.vote(answered, user_id=1, up=True) and not history.vote(answered + 1, user_id=1, up=True)
    history.close()
    assert not settings.history_path.exists()

    in_manifest = History(SqliteTables(settings.manifest_path, SCHEMA))
    assert in_manifest.topic_of_message(1001) == DIED.question
    assert [(f.answer_id, f.vote) for f in in_manifest.feedback()] == [(answered, "up")]
    in_manifest.close()


def test_the_history_file_of_an_earlier_version_is_copied_in_once_with_its_ids(settings: Settings) -> None:
    old = old_history(settings.history_path)
    ids = [old.record(a, context=None, guild_id=7, channel_id=8) for a in (DIED, WON, DIED)]
    old.sent(ids[1], [2002], channel_id=8)
    assert old.vote(ids[2], user_id=1, up=False)
    old.close()

    history = open_history(settings)
    assert history.topic_of_message(2002) == WON.question
    assert [(f.answer_id, f.vote) for f in history.feedback()] == [(ids[2], "down")]
    assert history.vote(ids[0], user_id=1, up=True)  # a button sent before the upgrade still reaches its answer
    assert history.record(WON, context=None, guild_id=7, channel_id=8) == ids[-1] + 1
    history.close()
    assert not settings.history_path.exists()
    assert settings.history_path.with_name("history.sqlite3.moved").is_file()

    again = open_history(settings)  # nothing left to copy: the rows are those copied the first time
    assert len(again.feedback()) == 2 and again.record(DIED, context=None, guild_id=7, channel_id=8) == ids[-1] + 2
    again.close()


@pytest.mark.records_in("sqlite", reason="an earlier version kept a server's records in the data folder's SQLite file")
def test_a_server_s_records_kept_by_an_earlier_version_are_adopted_before_the_history_opens(tmp_path: Path) -> None:
    settings = Settings(NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=9, NEWSQA_COLLECTION="news")
    earlier = SqliteTables(tmp_path / "manifest.sqlite3", "CREATE TABLE articles (id TEXT PRIMARY KEY);")
    earlier.run("INSERT INTO articles VALUES ('a1')")
    earlier.close()

    history = open_history(settings)  # `newsqa feedback`, before any indexing run opened the index
    assert history.feedback() == []
    history.close()
    assert not (tmp_path / "manifest.sqlite3").exists()
    adopted = SqliteTables(settings.manifest_path, SCHEMA)
    assert adopted.rows("SELECT id FROM articles") == [("a1",)]
    adopted.close()


def test_an_earlier_file_meeting_another_host_s_answers_keeps_both_and_is_copied_once(
    tmp_path: Path, pg_url: str
) -> None:
    database = PostgresTables(pg_url)
    shared = History(database)
    theirs = shared.record(DIED, context=None, guild_id=7, channel_id=8)
    shared.sent(theirs, [1001], channel_id=8)
    file = SqliteTables(tmp_path / "history.sqlite3", SCHEMA)
    old = History(file)
    mine = [old.record(a, context=None, guild_id=7, channel_id=9) for a in (WON, DIED)]
    old.sent(mine[0], [3001], channel_id=9)
    assert old.vote(mine[0], user_id=1, up=True)
    for answer_id, asked_at in zip(mine, ("2026-01-01T10:00:00+00:00", "2026-01-01T10:05:00+00:00"), strict=True):
        file.run("UPDATE answers SET asked_at = ? WHERE id = ?", (asked_at, answer_id))

    assert copy_history(file, database) == 2
    assert copy_history(file, database) == 0  # copied before: nothing twice (`newsqa migrate` run again)
    old.close()
    assert shared.topic_of_message(1001) == DIED.question and shared.topic_of_message(3001) == WON.question
    (vote,) = shared.feedback()
    assert vote.question == WON.question and vote.answer_id not in (theirs, mine[1])
    assert shared.topic_in(9) == DIED.question  # the latest asked, though the other one was numbered after it
    # A button sent before the upgrade under the renumbered answer carries the id now another host's answer has:
    # the message it is on says which answer it votes on.
    assert mine[0] == theirs and shared.vote(mine[0], user_id=2, up=False, message_id=3001)
    assert sorted((f.answer_id, f.vote) for f in shared.feedback()) == [(vote.answer_id, "down"), (vote.answer_id, "up")]
    assert shared.record(WON, context=None, guild_id=7, channel_id=8) == 4  # after every id copied in
    shared.close()


def test_copying_an_earlier_file_in_never_moves_the_numbering_back(tmp_path: Path, pg_url: str) -> None:
    database = PostgresTables(pg_url)
    shared = History(database)
    given = [shared.record(DIED, context=None, guild_id=7, channel_id=8) for _ in range(3)]
    database.run("DELETE FROM answers")  # ids given once are not given again, though no row holds them now
    file = SqliteTables(tmp_path / "history.sqlite3", SCHEMA)
    old = History(file)
    old.record(WON, context=None, guild_id=7, channel_id=9)

    assert copy_history(file, database) == 1
    old.close()
    assert shared.record(DIED, context=None, guild_id=7, channel_id=8) == given[-1] + 1
    shared.close()


def test_opening_that_fails_while_copying_an_earlier_file_in_leaves_no_pool_open(pg_settings: Settings) -> None:
    pools = open_pools()
    for legacy in (pg_settings.history_path, pg_settings.follows_path, pg_settings.fetch_cache_path):
        legacy.parent.mkdir(parents=True, exist_ok=True)
        legacy.write_bytes(b"not a database")
    with pytest.raises(sqlite3.DatabaseError):
        open_history(pg_settings)
    with pytest.raises(sqlite3.DatabaseError):
        open_follows(pg_settings)
    with pytest.raises(sqlite3.DatabaseError):
        Fetcher(FetchOptions(small_tables(pg_settings), legacy_cache=pg_settings.fetch_cache_path))
    assert open_pools() == pools


def test_the_history_goes_along_when_the_index_is_moved_into_postgresql(settings: Settings, pg_url: str) -> None:
    settings = settings.model_copy(update={"embedding_model": HashEmbedder().name})
    Service(settings, HashEmbedder()).index([str(SAMPLES_DIR)])
    history = open_history(settings)
    answered = history.record(DIED, context=None, guild_id=7, channel_id=8)
    history.sent(answered, [1001], channel_id=8)
    assert history.vote(answered, user_id=1, up=True)
    history.close()
    old = old_history(settings.history_path)  # a second host's file, not yet opened since the upgrade
    old.record(WON, context=None, guild_id=7, channel_id=8)
    old.close()

    move_index(settings, pg_url)

    there = open_history(settings.model_copy(update={"database_url": SecretStr(pg_url)}))
    assert there.topic_of_message(1001) == DIED.question
    assert [(f.answer_id, f.question) for f in there.feedback()] == [(answered, DIED.question)]
    assert there.topic_in(8) == WON.question and not settings.history_path.exists()
    there.close()
