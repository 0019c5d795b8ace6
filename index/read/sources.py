"""The sources file: the feeds, pages and folders that make up an index, and when to re-read them.

```toml
[[source]]
url = "https://example.com/news/rss.xml"
refresh = "15m"

[[source]]
path = "articles"        # relative to this file
refresh = "1d"
```

``refresh`` is a number with a unit (``s``, ``m``, ``h``, ``d``); without one a
source is re-read at the default interval.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from index.errors import SourcesError
from index.read.http import is_url

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_KEYS = {"url", "path", "refresh"}


@dataclass(frozen=True)
class Source:
    """One feed or page address, or one file or folder, re-read every ``refresh``."""

    location: str | Path
    refresh: timedelta

    def __str__(self) -> str:
        return str(self.location)


def parse_interval(text: str) -> timedelta:
    """``"90s"``, ``"15m"``, ``"2h"`` or ``"1d"`` as a duration; raises ValueError otherwise."""
    match = _INTERVAL.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not an interval like 90s, 15m, 2h or 1d")
    return timedelta(**{_UNITS[match.group(2).lower()]: float(match.group(1))})


def read_sources(path: Path, default_refresh: timedelta) -> list[Source]:
    """The sources listed in a TOML file; raises SourcesError naming the entry at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"sources file {path} not found (NEWSQA_SOURCES_FILE)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path} is not valid TOML: {exc}") from None
    others = sorted(set(data) - {"source"})
    if others:  # "[[sources]]", say: nothing is ignored without a word
        raise SourcesError(f"{path}: unknown table or key {others[0]!r}: list sources as [[source]] tables")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourcesError(f"{path}: list sources as [[source]] tables")
    return [_source(entry, n, path, default_refresh) for n, entry in enumerate(entries, start=1)]


def _source(entry: dict, n: int, path: Path, default_refresh: timedelta) -> Source:
    where = f"{path}, source {n}"
    unknown = set(entry) - _KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown key {sorted(unknown)[0]!r} (expected url, path, refresh)")
    url, folder = entry.get("url"), entry.get("path")
    if (url is None) == (folder is None):
        raise SourcesError(f"{where}: give either url or path")
    if url is not None and not is_url(url):
        raise SourcesError(f"{where}: url must start with http:// or https:// (got {url!r})")
    if folder is not None and not isinstance(folder, str):
        raise SourcesError(f"{where}: path must be a string")
    refresh = default_refresh
    if "refresh" in entry:
        try:
            refresh = parse_interval(str(entry["refresh"]))
        except ValueError as exc:
            raise SourcesError(f"{where}: refresh: {exc}") from None
    location = url if url is not None else path.resolve().parent / Path(folder).expanduser()
    return Source(location, refresh)


def plain_sources(locations: Iterable[str], refresh: timedelta) -> list[Source]:
    """Sources from a plain list of addresses and paths, all re-read at one interval."""
    return [Source(x if is_url(x) else Path(x).expanduser(), refresh) for x in locations]


class Schedule:
    """Which sources are due for re-reading; times are seconds on a monotonic clock."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self._next: dict[int, float] = {}

    def due(self, now: float) -> list[Source]:
        """Sources never read, or whose interval has passed."""
        return [s for i, s in enumerate(self.sources) if self._next.get(i, now) <= now]

    def done(self, sources: list[Source], now: float) -> None:
        """Record that ``sources`` were read at ``now``."""
        for i, source in enumerate(self.sources):
            if source in sources:
                self._next[i] = now + source.refresh.total_seconds()

    def wait(self, now: float) -> float:
        """Seconds until the next source is due (0 when one is due now)."""
        if not self.sources:
            return float("inf")
        return max(0.0, min(self._next.get(i, now) for i in range(len(self.sources))) - now)
