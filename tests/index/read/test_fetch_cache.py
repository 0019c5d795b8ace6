"""The feed cache kept in the index's database: a conditional request from any process using it, an earlier
version's file copied in once, and the cache taken along by `newsqa migrate`."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app.move import move_index
from bot.app.service import Service
from bot.app.settings import Settings
from bot.app.wiring import small_tables
from index import SAMPLES_DIR
from index.read.http import SCHEMA, Fetcher, FetchOptions
from index.tables import BUSY_SECONDS, Place, SqliteTables
from tests.fakes import HashEmbedder
from tests.site import NewsSite, page, slice_articles

ARTICLE = slice_articles()[0]


def fetch(site: NewsSite, options: FetchOptions, path: str = "/story.html") -> tuple[bytes, int]:
    """The body fetched at ``path`` with ``options``, and how many downloads that cost."""
    with Fetcher(options) as fetcher:
        body = fetcher.get(site.url(path)).body
        return body, fetcher.downloaded


def test_a_page_fetched_on_one_host_is_asked_for_conditionally_by_another(
    site: NewsSite, pg_url: str, tmp_path: Path
) -> None:
    site.put("/story.html", page(ARTICLE))
    first, downloads = fetch(site, FetchOptions(Place(tmp_path / "one" / "manifest.sqlite3", pg_url)))
    assert downloads == 1 and site.sent(200) == ["/story.html"]
    site.forget_log()

    again, downloads = fetch(site, FetchOptions(Place(tmp_path / "other" / "manifest.sqlite3", pg_url)))

    assert (again, downloads) == (first, 0)
    assert site.sent(304) == ["/story.html"] and site.sent() == ["/story.html"]
    assert not (tmp_path / "one").exists() and not (tmp_path / "other").exists()


@pytest.mark.records_in("sqlite", reason="about the manifest's SQLite file")
def test_the_feed_cache_is_kept_in_the_manifest_file_of_the_index(settings: Settings, site: NewsSite) -> None:
    feed = site.put("/story.html", page(ARTICLE))
    service = Service(settings.model_copy(update={"embedding_model": HashEmbedder().name}), HashEmbedder())
    assert service.index([feed]).downloaded == 1
    site.forget_log()
    assert service.index([feed]).not_modified == 1 and site.sent(304) == ["/story.html"]
    assert not settings.fetch_cache_path.exists()
    manifest = SqliteTables(settings.manifest_path, "")
    assert manifest.rows("SELECT url FROM responses") == [(site.url("/story.html"),)]
    manifest.close()


def test_the_feed_cache_file_of_an_earlier_version_is_copied_in_once(settings: Settings, site: NewsSite) -> None:
    site.put("/story.html", page(ARTICLE))
    legacy = settings.fetch_cache_path
    fetch(site, FetchOptions(Place(legacy)))  # the earlier layout: the responses table in a file of its own
    site.forget_log()
    options = FetchOptions(small_tables(settings), legacy_cache=legacy)

    assert fetch(site, options)[1] == 0 and site.sent(304) == ["/story.html"]
    assert not legacy.exists() and legacy.with_name("fetch.sqlite3.moved").is_file()
    assert fetch(site, options)[1] == 0 and len(site.sent(304)) == 2


def test_the_feed_cache_goes_along_when_the_index_is_moved_into_postgresql(
    settings: Settings, site: NewsSite, pg_url: str
) -> None:
    settings = settings.model_copy(update={"embedding_model": HashEmbedder().name})
    site.put("/story.html", page(ARTICLE))
    Service(settings, HashEmbedder()).index([str(SAMPLES_DIR)])
    fetch(site, FetchOptions(small_tables(settings)))
    site.forget_log()

    move_index(settings, pg_url)

    moved = settings.model_copy(update={"database_url": SecretStr(pg_url)})
    assert small_tables(moved).url == pg_url
    assert fetch(site, FetchOptions(small_tables(moved)))[1] == 0 and site.sent(304) == ["/story.html"]


@pytest.mark.records_in("sqlite", reason="about the SQLite file's lock")
def test_a_cache_file_locked_by_an_indexing_run_costs_the_cache_not_the_fetch(
    site: NewsSite, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site.put("/story.html", page(ARTICLE))
    manifest = tmp_path / "manifest.sqlite3"
    tables = SqliteTables(manifest, SCHEMA)
    assert tables.rows("PRAGMA busy_timeout") == [(BUSY_SECONDS * 1000,)]  # a statement waits on indexing runs
    tables.close()
    with Fetcher(FetchOptions(Place(manifest, busy_seconds=0.05))) as fetcher:
        writer = sqlite3.connect(manifest, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # a transaction of an indexing run holding the file
        with caplog.at_level(logging.WARNING, logger="index.read.http"):
            assert fetcher.get(site.url("/story.html")).body == page(ARTICLE).encode()
        writer.execute("ROLLBACK")
        writer.close()
    assert "the feed cache was not updated" in caplog.text and "locked" in caplog.text
    assert fetch(site, FetchOptions(Place(manifest)))[1] == 1  # nothing kept: downloaded again
