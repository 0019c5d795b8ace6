"""Restricting a search to some sources and a range of publication dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from index.errors import NewsqaError


@dataclass(frozen=True)
class Filter:
    """Which articles a search may use: any of ``sources`` (empty: all), published within [since, until].

    A source matches by name without case or spaces: "CNN" matches ``cnn.com``,
    "USA Today" matches ``usatoday.com``. With a date range, undated articles
    are left out.
    """

    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @classmethod
    def given(cls, sources: tuple[str, ...], since: date | None, until: date | None) -> Filter:
        """A restriction a user asked for by its parts; a date range ending before it starts is their error."""
        if since and until and since > until:
            raise NewsqaError(f"since {since} is after until {until}: no article could match")
        return cls(sources, since, until)

    def __bool__(self) -> bool:
        return bool(self.sources) or self.since is not None or self.until is not None

    def narrowed(self, other: Filter) -> Filter:
        """Both restrictions at once (this one's sources win when both name some)."""
        since = max((d for d in (self.since, other.since) if d), default=None)
        until = min((d for d in (self.until, other.until) if d), default=None)
        return Filter(self.sources or other.sources, since, until)

    def admits_source(self, source: str) -> bool:
        return not self.sources or any(source_matches(s, source) for s in self.sources)

    def chroma(self, sources: set[str]) -> dict:
        """The same restriction as a Chroma ``where`` on chunk metadata, given the matching sources."""
        clauses: list[dict] = []
        if self.sources:
            clauses.append({"source": {"$in": sorted(sources)}})
        if self.since:
            clauses.append({"published_day": {"$gte": self.since.toordinal()}})
        if self.until:
            clauses.append({"published_day": {"$lte": self.until.toordinal()}})
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def describe(self) -> str:
        """In words, for an answer: "from cnn.com, 2024-01-01 to 2024-01-07"."""
        parts = []
        if self.sources:
            parts.append("from " + " or ".join(self.sources))
        if self.since and self.until:
            parts.append(f"published {self.since} to {self.until}" if self.since != self.until else f"of {self.since}")
        elif self.since:
            parts.append(f"published since {self.since}")
        elif self.until:
            parts.append(f"published up to {self.until}")
        return ", ".join(parts)


def source_matches(wanted: str, source: str) -> bool:
    """"CNN" matches "cnn.com" and "edition.cnn.com"; "USA Today" matches "usatoday.com"; "the valley  gazette"
    matches "Valley Gazette": names compare without case, spaces or a leading "the"."""
    key = _squeezed(wanted)
    labels = source.casefold().split(".")
    return bool(key) and (key == _squeezed(source) or key in labels or key == labels[0])


def _squeezed(name: str) -> str:
    """A source's name without case, spaces or a leading "the"."""
    words = name.casefold().split()
    return "".join(words[1:] if len(words) > 1 and words[0] == "the" else words)
