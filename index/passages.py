"""What a search returns: passages with what a citation needs, their citable sentences, and a recency boost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from index.store import Hit
from index.stories import Membership


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what a citation needs to name its article."""

    chunk_id: str
    article_id: str
    title: str
    published_at: str | None
    source: str
    location: str
    text: str
    start: int
    end: int
    score: float
    similarity: float  # cosine similarity to the query, 0 when found by keywords only
    content_hash: str = ""  # of the article the passage was cut from
    story: Membership | None = None  # its article's story and copy group (``index.stories``)

    @property
    def published(self) -> date | None:
        """``published_at`` as a date (None when unknown or not a date)."""
        try:
            return date.fromisoformat(self.published_at) if self.published_at else None
        except ValueError:
            return None

    @classmethod
    def from_hit(cls, hit: Hit, score: float, similarity: float) -> Passage:
        meta = hit.metadata
        return cls(
            chunk_id=hit.id,
            article_id=str(meta.get("article_id", "")),
            title=str(meta.get("title", "")),
            published_at=meta.get("published_at"),
            source=str(meta.get("source", "")),
            location=str(meta.get("location", "")),
            text=hit.text,
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", len(hit.text))),
            score=score,
            similarity=similarity,
            content_hash=str(meta.get("content_hash", "")),
        )


@dataclass(frozen=True)
class Span:
    """A citable sentence (or two, when the second needs the first) inside a passage."""

    passage: Passage
    rank: int  # of its passage among those it was taken from, 0 first
    start: int  # offsets into the article
    end: int
    text: str


@dataclass(frozen=True)
class Boost:
    """Passages of articles published from ``since`` to ``until`` score ``factor`` times higher."""

    since: date
    until: date
    factor: float

    def covers(self, published: date | None) -> bool:
        return published is not None and self.since <= published <= self.until
