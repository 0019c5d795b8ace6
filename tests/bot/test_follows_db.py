"""The follows kept in the index's database: shared by the processes using it, and adopted from the old file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app.follows import Follows
from bot.app.follows_db import SCHEMA, open_follows
from bot.app.move import move_index
from bot.app.service import Service
from bot.app.settings import Settings
from index import SAMPLES_DIR
from index.embed.base import Embedder
from index.tables import SqliteTables
from tests.conftest import DATA, sharing
from tests.fakes import HashEmbedder

TOPIC = "Greece same-sex marriage"


def test_services_with_other_data_folders_on_one_database_share_follows_and_post_a_story_once(
    pg_settings: Settings, pg_url: str, real_embedder: Embedder, tmp_path: Path
) -> None:
    one = Service(pg_settings, real_embedder)
    assert one.indexer.index_paths([DATA / "stories.jsonl"]).added
    other = sharing(one, Settings(NEWSQA_DATA_DIR=tmp_path / "other", NEWSQA_DATABASE_URL=pg_url))
    assert other.settings.data_dir != one.settings.data_dir

    made, added = one.follows.follow(7, TOPIC, guild_id=1, user_id=2, since=date(2024, 2, 1))
    assert added and other.follows.all() == [made]
    assert not other.follows.follow(7, TOPIC.lower(), guild_id=1, user_id=3, since=date(2024, 1, 1))[1]

    due = one.due(made)
    assert len(due) == 1
    one.follows.mark_posted(made, [s.story_id for s in due])
    assert other.due(other.follows.all(7)[0]) == []
    assert other.follows.posted_in(7) == {due[0].story_id}
    assert not (other.settings.data_dir / "follows.sqlite3").exists()


@pytest.mark.records_in("sqlite", reason="about the manifest file (in PostgreSQL: the test above)")
def test_follows_are_kept_in_the_manifest_file_and_survive_a_reopening(settings: Settings) -> None:
    follows = open_follows(settings)
    made, _ = follows.follow(7, " Greece   same-sex marriage ", guild_id=1, user_id=2, since=date(2024, 2, 1))
    follows.mark_posted(made, ["s1"])
    follows.close()
    assert not settings.follows_path.exists()

    in_manifest = Follows(SqliteTables(settings.manifest_path, SCHEMA))
    assert [f.topic for f in in_manifest.all()] == [TOPIC] and in_manifest.posted_in(7) == {"s1"}
    in_manifest.close()


def test_the_follows_file_of_an_earlier_version_is_copied_in_once(settings: Settings) -> None:
    old = Follows(SqliteTables(settings.follows_path, SCHEMA))  # the earlier layout: the same tables, a file of their own
    made, _ = old.follow(7, TOPIC, guild_id=1, user_id=2, since=date(2024, 2, 1))
    second, _ = old.follow(8, "Alaska Airlines flight", guild_id=1, user_id=2, since=date(2024, 1, 5))
    old.mark_posted(made, ["s1", "s2"])
    old.close()

    follows = open_follows(settings)
    assert follows.all() == [made, second] and follows.posted_in(7) == {"s1", "s2"}
    follows.close()
    assert not settings.follows_path.exists()
    assert settings.follows_path.with_name("follows.sqlite3.moved").is_file()

    again = open_follows(settings)  # nothing left to copy: the rows are those copied the first time
    assert again.all() == [made, second]
    again.close()


def test_the_follows_go_along_when_the_index_is_moved_into_postgresql(settings: Settings, pg_url: str) -> None:
    settings = settings.model_copy(update={"embedding_model": HashEmbedder().name})
    Service(settings, HashEmbedder()).index([str(SAMPLES_DIR)])
    follows = open_follows(settings)
    made, _ = follows.follow(7, TOPIC, guild_id=1, user_id=2, since=date(2024, 2, 1))
    follows.mark_posted(made, ["s1"])
    follows.close()
    move_index(settings, pg_url)
    there = open_follows(settings.model_copy(update={"database_url": SecretStr(pg_url)}))
    assert there.all() == [made] and there.posted_in(7) == {"s1"}
    there.close()
