"""Stories at indexing, on real articles: copies and updates are one story; reports of one event too; others not."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import psycopg
import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from index import stories
from index.articles import make_article
from index.embed.base import Embedder
from tests.conftest import CHOOSES_ITS_DATABASES, DATA

GREECE = ("f6984133c7730621", "greece-apnews", "greece-yahoo")
MIGRANTS = ("migrants-first", "02b9c6daf10e9d95")
ALASKA = ("24dbac67a71f40f2", "1fc6024871264240")  # the grounding (slice) and the door plug (2 days on)


@pytest.fixture(params=["sqlite", "postgres"])
def both_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Settings of a fresh index, its records in SQLite, then in a fresh PostgreSQL schema: both make the stories."""
    return request.getfixturevalue("pg_settings") if request.param == "postgres" else settings


@CHOOSES_ITS_DATABASES
def test_copies_updates_and_reports_of_one_event_are_one_story(
    both_settings: Settings, real_embedder: Embedder
) -> None:
    service = Service(both_settings, real_embedder)
    report = service.indexer.index_paths([DATA / "realtimeqa-slice.jsonl", DATA / "stories.jsonl"])
    assert report.added == 20 and not report.failed
    member = service.indexer.manifest.memberships()
    greece = {member[a] for a in GREECE}
    assert len(greece) == 1  # one story, one text: the same copy group
    first, update = (member[a] for a in MIGRANTS)
    assert first == update
    alaska = [member[a] for a in ALASKA]
    assert alaska[0].story_id == alaska[1].story_id and alaska[0].copy_id != alaska[1].copy_id
    assert len({m.story_id for m in member.values()}) == 20 - 2 - 1 - 1  # the rest are stories of their own
    by_story = service.retriever.stories()
    assert [e.source for e in by_story[next(iter(greece)).story_id]].count("usatoday.com") == 1


@CHOOSES_ITS_DATABASES
def test_a_forgotten_article_leaves_its_story_and_a_reindexed_one_keeps_it(
    both_settings: Settings, real_embedder: Embedder
) -> None:
    service = Service(both_settings, real_embedder)
    service.indexer.index_paths([DATA / "stories.jsonl"])
    manifest = service.indexer.manifest
    story = manifest.memberships()[GREECE[0]].story_id
    manifest.forget(GREECE[1])
    assert GREECE[1] not in manifest.memberships() and manifest.memberships()[GREECE[2]].story_id == story
    assert service.indexer.index_paths([DATA / "stories.jsonl"]).added == 1
    assert manifest.memberships()[GREECE[1]].story_id == story


def test_short_lines_shared_by_unrelated_articles_make_no_copies() -> None:
    furniture = "Contributing: Associated Press.\n\nWatch the video.\n\n"
    a = make_article(text=furniture + "The council approved the new budget on Tuesday after a long debate.", origin="a")
    b = make_article(text=furniture + "Heavy snow closed every school in the county for a second day.", origin="b")
    keys = [stories.sentence_keys(x.text, [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", x.text)]) for x in (a, b)]
    assert len(keys[0]) == len(keys[1]) == 1 and not keys[0] & keys[1]


def test_a_manifest_of_an_earlier_version_read_without_writing_has_no_stories(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "old.sqlite3")
    assert stories.SqliteStories(db).memberships() == {}


@CHOOSES_ITS_DATABASES
def test_an_index_of_an_earlier_version_gets_its_stories_at_the_next_run(
    both_settings: Settings, real_embedder: Embedder
) -> None:
    """Its articles are placed from their stored chunks and kept vectors, as indexing would have placed them."""
    service = Service(both_settings, real_embedder)
    service.indexer.index_paths([DATA / "stories.jsonl"])
    made = service.indexer.manifest.memberships()
    url = both_settings.database_url
    with (psycopg.connect(url.get_secret_value()) if url else sqlite3.connect(both_settings.manifest_path)) as db:
        db.execute("DELETE FROM stories")  # as an earlier version left it
        db.execute("DELETE FROM story_sentences")
    assert service.indexer.manifest.memberships() == {}
    report = service.indexer.index_paths([DATA / "stories.jsonl"])
    assert report.unchanged == 6 and report.chunks == 0  # nothing embedded again
    assert service.indexer.manifest.memberships() == made
