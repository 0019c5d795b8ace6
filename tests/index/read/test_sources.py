"""The sources file and the re-reading schedule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from index.errors import SourcesError
from index.read.sources import Schedule, Source, parse_interval, read_sources

HOUR = timedelta(hours=1)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return path


def test_feeds_pages_and_folders_with_their_intervals(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[source]]
url = "https://news.example/rss.xml"
refresh = "15m"

[[source]]
url = "https://news.example/story.html"

[[source]]
path = "archive"
refresh = "1d"
""",
    )
    assert read_sources(path, HOUR) == [
        Source("https://news.example/rss.xml", timedelta(minutes=15)),
        Source("https://news.example/story.html", HOUR),
        Source(tmp_path / "archive", timedelta(days=1)),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[source]]\nurl = "https://a.example/rss"\npath = "x"', "source 1: give either url or path"),
        ("[[source]]\nrefresh = '1h'", "source 1: give either url or path"),
        ('[[source]]\nurl = "ftp://a.example/rss"', "url must start with http:// or https://"),
        ('[[source]]\npath = "x"\n[[source]]\npath = "y"\nrefresh = "soon"', "source 2: refresh: 'soon' is not an interval"),
        ('[[source]]\npath = "x"\nevery = "1h"', "unknown key 'every'"),
        ('[[source]\npath = "x"', "is not valid TOML"),
        ('source = "x"', "list sources as [[source]] tables"),
        ('[[sources]]\npath = "x"', "unknown table or key 'sources': list sources as [[source]] tables"),
    ],
)
def test_mistakes_name_the_entry_at_fault(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourcesError, match=message.replace("[", r"\[").replace("(", r"\(")):
        read_sources(write(tmp_path, text), HOUR)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="not found"):
        read_sources(tmp_path / "nope.toml", HOUR)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("2h", 7200), ("1.5d", 129600), (" 10 M ", 600)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "15", "0m", "-5m", "1w", "soon"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def test_each_source_comes_due_at_its_own_interval() -> None:
    fast, slow = Source("https://a.example/rss", timedelta(minutes=10)), Source(Path("archive"), HOUR)
    schedule = Schedule([fast, slow])
    assert schedule.due(0) == [fast, slow]
    schedule.done([fast, slow], 5)
    assert schedule.due(300) == [] and schedule.wait(300) == 305
    assert schedule.due(605) == [fast]
    schedule.done([fast], 606)
    assert schedule.wait(606) == 600 and schedule.due(1205) == [] and schedule.due(1206) == [fast]
    schedule.done([fast], 1206)
    assert schedule.due(3604) == [fast] and schedule.due(3605) == [fast, slow] and schedule.wait(3605) == 0
