"""The article model: what every loader produces and the index stores."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import blingfire

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$", re.IGNORECASE)
_TITLE_CHARS = 100


@dataclass(frozen=True)
class Article:
    """One news article, ready to be chunked and indexed.

    ``text`` is the body that citations quote from: chunk offsets point into it.
    ``origin`` is the file the article was read from, which is what ``--prune``
    checks to decide whether an article is gone.
    """

    id: str
    title: str
    text: str
    published_at: date | None
    source: str
    url: str | None
    origin: str
    content_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", _content_hash(self))

    @property
    def location(self) -> str:
        """Where a reader can find the article: its URL, or else its file."""
        return self.url or self.origin


def make_article(
    *,
    text: str,
    origin: str,
    title: str | None = None,
    published_at: date | None = None,
    source: str | None = None,
    url: str | None = None,
    key: str | None = None,
    given_id: str | None = None,
) -> Article:
    """Build an article, deriving its id, title and source where they are missing.

    The id is ``given_id`` when the input names one (a record's own id), kept
    as it is. Else it comes from the canonical URL when there is one (so the
    same story fetched twice is one article), else from ``key``, else from the
    file it was read from (so an edited file updates its article in place).
    """
    url = url.strip() if url and url.strip() else None
    key = f"url:{canonical_url(url)}" if url else (key or f"file:{origin}")
    return Article(
        id=given_id or hashlib.sha256(key.encode()).hexdigest()[:16],
        title=(title or "").strip() or derive_title(text),
        text=text,
        published_at=published_at,
        source=(source or "").strip() or (urlsplit(url).hostname or "" if url else "") or "local",
        url=url,
        origin=origin,
    )


def canonical_url(url: str) -> str:
    """Normalise a URL so that trivially different spellings give one id."""
    parts = urlsplit(url.strip())
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k))
    )
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    netloc = host + (f":{parts.port}" if parts.port else "")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower() or "https", netloc, path, query, ""))


def derive_title(text: str) -> str:
    """A title for an article that has none: its first sentence, shortened."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    _, offsets = blingfire.text_to_sentences_and_offsets(first_line)
    sentence = first_line[: offsets[0][1]] if offsets else first_line
    sentence = " ".join(sentence.split())
    if len(sentence) <= _TITLE_CHARS:
        return sentence or "Untitled"
    cut = sentence.rfind(" ", 0, _TITLE_CHARS)
    return sentence[: cut if cut > 0 else _TITLE_CHARS].rstrip(",;:") + "…"


def _content_hash(article: Article) -> str:
    parts = [
        article.title,
        article.published_at.isoformat() if article.published_at else "",
        article.source,
        article.url or "",
        article.text,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
