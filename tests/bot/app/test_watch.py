"""Scheduled re-indexing: the loop on a fake clock, and `newsqa watch` for real."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from bot.app.settings import Settings
from bot.app.watch import Round, watch
from index.errors import IndexBusyError
from index.indexer import Indexer
from index.read.sources import Source
from index.report import IndexReport
from tests.conftest import DATA, environment_of
from tests.site import RSS, Item, NewsSite, day, page, rss, slice_articles


class FakeTime:
    """A clock and a stop event in one: waiting moves the clock; it stops once ``until`` has passed."""

    def __init__(self, until: float) -> None:
        self.now = 0.0
        self.until = until
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def is_set(self) -> bool:
        return self.now >= self.until

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return self.is_set()


def test_sources_are_reindexed_at_their_intervals_and_a_failed_round_does_not_end_it() -> None:
    feed, folder = Source("https://a.example/rss", timedelta(minutes=20)), Source(Path("news"), timedelta(hours=1))
    clock = FakeTime(until=2 * 3600 + 1)
    calls: list[tuple[float, list[str]]] = []
    rounds: list[Round] = []

    def reindex(due: list[Source]) -> IndexReport:
        calls.append((clock.now, [str(s) for s in due]))
        if len(calls) == 2:
            raise IndexBusyError("the index is busy")
        return IndexReport(unchanged=len(due))

    watch([feed, folder], reindex, rounds.append, clock, clock)  # type: ignore[arg-type]

    assert calls == [
        (0, ["https://a.example/rss", "news"]),
        (1200, ["https://a.example/rss"]),
        (2400, ["https://a.example/rss"]),
        (3600, ["https://a.example/rss", "news"]),
        (4800, ["https://a.example/rss"]),
        (6000, ["https://a.example/rss"]),
        (7200, ["https://a.example/rss", "news"]),
    ]
    assert rounds[1].report is None and rounds[1].summary() == "https://a.example/rss: not re-indexed: the index is busy"
    assert rounds[0].summary().startswith("https://a.example/rss, news: Indexed: 0 added, 0 updated, 2 unchanged")
    assert max(clock.waits) <= 1200


def test_a_round_names_each_page_that_failed_and_what_was_indexed_instead(
    fake_indexer: Indexer, site: NewsSite
) -> None:
    lead = slice_articles()[0]["text"].split(". ")[0] + "."
    items = [
        Item("Darts final", site.url("/darts.html"), day("2024-01-02"), lead),
        Item("Teaser", site.url("/teaser.html"), day("2024-01-02"), "x"),
    ]
    feed = Source(site.put("/rss.xml", rss("Loopback News", items), RSS), timedelta(minutes=15))
    clock = FakeTime(until=1)
    rounds: list[Round] = []

    def reindex(due: list[Source]) -> IndexReport:
        return fake_indexer.index_paths([s.location for s in due])

    watch([feed], reindex, rounds.append, clock, clock)  # type: ignore[arg-type]

    [headline, *problems] = rounds[0].summary().splitlines()
    assert headline.startswith(f"{feed}: Indexed: 1 added, 0 updated, 0 unchanged, 0 removed, 1 failed, 1 warning;")
    too_short = "HTTP 404 NOT FOUND; the feed's summary, 1 word, is too short to index instead"
    assert problems == [
        f"  failed: {site.url('/teaser.html')}: {too_short}",
        f"  warning: {site.url('/darts.html')}: HTTP 404 NOT FOUND; indexed from the feed's summary instead",
    ]


def _lines_until(proc: subprocess.Popen, needle: str, timeout: float = 120, stderr: bool = False) -> list[str]:
    """Lines of the child's stdout (or stderr) up to the first containing ``needle``."""
    stream = proc.stderr if stderr else proc.stdout
    assert stream is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 1.0)
        if ready:
            line = stream.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if needle in line:
                return lines
    raise AssertionError(f"{needle!r} not seen; got {lines} and stderr {proc.stderr.read() if proc.poll() is not None else ''}")


def watch_process(settings: Settings, sources: str) -> subprocess.Popen:
    env = {**os.environ, **environment_of(settings), "NEWSQA_SOURCES": sources, "NEWSQA_REFRESH": "1s"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "watch"],
        cwd=Path(__file__).parents[3],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_newsqa_watch_picks_up_a_new_feed_entry_and_stops_on_sigterm(settings: Settings, site: NewsSite) -> None:
    articles = slice_articles()

    def item(n: int) -> Item:
        link = site.put(f"/story/{n}.html", page(articles[n]))
        return Item(articles[n]["title"], link, day(articles[n]["published_at"]), "Summary.")

    proc = watch_process(settings, site.put("/rss.xml", rss("Loopback News", [item(0)]), RSS))
    try:
        first = _lines_until(proc, "Indexed:")
        assert first[0] == "Watching 1 source; Ctrl-C stops." and "1 added" in first[-1]
        site.put("/rss.xml", rss("Loopback News", [item(1), item(0)]), RSS)
        assert "1 added, 0 updated, 1 unchanged" in _lines_until(proc, "1 added")[-1]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert proc.stdout.read().strip().endswith("Stopped watching.")
    finally:
        proc.kill()
        proc.wait()


def test_ctrl_c_during_a_round_lets_it_finish(settings: Settings) -> None:
    proc = watch_process(settings, str(DATA / "realtimeqa-slice.jsonl"))
    try:
        started = _lines_until(proc, "re-indexing", stderr=True)
        assert started[0].startswith("Index check: consistent: 0 articles, 0 chunks")
        assert started[-1].endswith("realtimeqa-slice.jsonl")
        proc.send_signal(signal.SIGINT)  # the round has begun: the model is loading
        assert proc.wait(timeout=300) == 0
        lines = proc.stdout.read().strip().splitlines()
        assert lines[0] == "Watching 1 source; Ctrl-C stops." and "Indexed: 14 added" in lines[1]
        assert lines[-1] == "Stopped watching." and len(lines) == 3
        assert "Stopping after the current round" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
