"""`newsqa index` with feed and page addresses, and with a sources file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app.settings import Settings
from tests.bot.cli.test_cli import run
from tests.conftest import SAMPLE
from tests.site import RSS, Item, NewsSite, day, page, rss, slice_articles

ARTICLES = slice_articles()


def publish(site: NewsSite, *numbers: int) -> str:
    """A feed of summary-only entries whose pages hold slice articles ``numbers``; its address."""
    items = []
    for n in numbers:
        link = site.put(f"/story/{n}.html", page(ARTICLES[n]))
        items.append(Item(ARTICLES[n]["title"], link, day(ARTICLES[n]["published_at"]), "Read the full story."))
    return site.put("/rss.xml", rss("Loopback News", items), RSS)


def test_index_a_feed_and_ask_about_it(env: Settings, site: NewsSite) -> None:
    feed = publish(site, 0, 1)
    code, stdout, stderr = run("index", feed)
    assert code == 0, stderr
    assert stdout.strip().endswith("3 downloaded, 0 not modified since last time.")
    code, stdout, stderr = run("index", feed)
    assert stdout.strip().endswith("0 downloaded, 3 not modified since last time.")

    code, stdout, _ = run("ask", "--json", "How old is the darts player in the world championship final?")
    data = json.loads(stdout)
    first = data["citations"][0]
    assert data["answered"] and "16" in data["answer"]
    assert first["url"] == site.url("/story/0.html") and first["source"] == "127.0.0.1"
    assert first["published_at"] == ARTICLES[0]["published_at"]


def test_a_page_that_fails_is_named_with_its_reason_even_when_its_summary_is_indexed(
    env: Settings, site: NewsSite
) -> None:
    def feed(name: str) -> str:
        """A feed whose two entries link to pages that are not there: one with a real summary, one with 'x'."""
        lead = ARTICLES[0]["text"].split(". ")[0] + "."
        items = [Item("Darts final", site.url(f"/{name}/darts.html"), day("2024-01-02"), lead)]
        items.append(Item("Teaser", site.url(f"/{name}/teaser.html"), day("2024-01-02"), "x"))
        return site.put(f"/{name}.xml", rss("Loopback News", items), RSS)

    code, stdout, _ = run("index", "--json", feed("a"))
    report = json.loads(stdout)
    assert code == 1 and report["added"] == 1
    assert report["warnings"] == [
        {"path": site.url("/a/darts.html"), "reason": "HTTP 404 NOT FOUND; indexed from the feed's summary instead"}
    ]
    too_short = "HTTP 404 NOT FOUND; the feed's summary, 1 word, is too short to index instead"
    assert report["failed"] == [{"path": site.url("/a/teaser.html"), "reason": too_short}]

    code, stdout, stderr = run("index", feed("b"))
    assert code == 1
    assert stderr.splitlines() == [
        f"failed: {site.url('/b/teaser.html')}: {too_short}",
        f"warning: {site.url('/b/darts.html')}: HTTP 404 NOT FOUND; indexed from the feed's summary instead",
    ]
    assert stdout.startswith("Indexed: 1 added, 0 updated, 0 unchanged, 0 removed, 1 failed, 1 warning;")


def test_index_without_arguments_reads_the_sources_file(env: Settings, site: NewsSite, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / SAMPLE.name).write_text(SAMPLE.read_text())
    feed = publish(site, 2)
    (tmp_path / "sources.toml").write_text(f'[[source]]\nurl = "{feed}"\nrefresh = "15m"\n\n[[source]]\npath = "local"\n')

    code, stdout, stderr = run("index")

    assert code == 0, stderr
    assert f"indexing the configured sources: {feed}, {folder}" in stderr.replace("\n", "")
    assert stdout.startswith("Indexed: 2 added")


def test_sources_from_the_environment_are_added_to_the_file(
    env: Settings, site: NewsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "news.toml").write_text(f'[[source]]\nurl = "{publish(site, 3)}"\n')
    monkeypatch.setenv("NEWSQA_SOURCES_FILE", str(tmp_path / "news.toml"))
    monkeypatch.setenv("NEWSQA_SOURCES", str(SAMPLE))
    code, stdout, stderr = run("index")
    assert code == 0, stderr
    assert stdout.startswith("Indexed: 2 added")


def test_a_named_sources_file_that_is_missing_or_wrong_is_one_error_line(
    env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSQA_SOURCES_FILE", str(tmp_path / "nope.toml"))
    code, _, stderr = run("index")
    assert (code, stderr.strip()) == (1, f"error: sources file {tmp_path / 'nope.toml'} not found (NEWSQA_SOURCES_FILE)")

    (tmp_path / "nope.toml").write_text('[[source]]\nurl = "https://a.example/rss"\nrefresh = "often"\n')
    code, _, stderr = run("index")
    assert code == 1
    assert stderr.strip() == (
        f"error: {tmp_path / 'nope.toml'}, source 1: refresh: 'often' is not an interval like 90s, 15m, 2h or 1d"
    )


def test_a_bad_refresh_setting_is_a_settings_error(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQA_REFRESH", "hourly")
    code, _, stderr = run("index")
    assert code == 2 and "NEWSQA_REFRESH" in stderr and "hourly" in stderr


def test_ask_on_an_empty_index_whose_sources_all_fail_says_so(
    env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSQA_SOURCES", "http://127.0.0.1:9/feed.xml")
    code, _, stderr = run("ask", "What happened?")
    assert code == 1
    lines = stderr.strip().splitlines()
    assert lines[0] == "The index is empty: indexing the configured sources first."
    assert lines[1].startswith("failed: http://127.0.0.1:9/feed.xml: could not connect")
    assert lines[-1] == "error: nothing could be indexed, so there is nothing to answer from; see the failures above"
