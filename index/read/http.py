"""Fetching feeds and pages over HTTP, politely and within bounds.

Every request has timeouts, a size cap, a bounded number of redirects and a
User-Agent that says who is asking. Responses that carry a validator (ETag or
Last-Modified) are kept, with their body, in the index's database (the
``responses`` table, ``index/tables.py``), so that the next fetch of the same
address, by any process using the index, is a conditional request: a server
answering "304 Not Modified" costs no download, and the kept body is read
again. An earlier version's file of kept responses is copied in once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from index.errors import FetchError
from index.read.files import DEFAULT_MAX_BYTES
from index.tables import Place, Tables, adopt, open_tables

log = logging.getLogger(__name__)

try:
    _VERSION = version("newsqa")
except PackageNotFoundError:  # running from a source tree that was not installed
    _VERSION = "0"
KEEP_DAYS = 30  # addresses not fetched for this long (pages of old feed entries) are forgotten
USER_AGENT = f"newsqa/{_VERSION} (news question-answering bot; indexes articles it is pointed at)"

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    url TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_fetched ON responses(fetched_at);
"""
_COLUMNS = "url, final_url, etag, last_modified, content_type, body, fetched_at"
_KEEP = (
    f"INSERT INTO responses ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
    " final_url = excluded.final_url, etag = excluded.etag, last_modified = excluded.last_modified,"
    " content_type = excluded.content_type, body = excluded.body, fetched_at = excluded.fetched_at"
)


@dataclass(frozen=True)
class FetchOptions:
    """How fetching behaves; ``cache`` None keeps nothing between runs. ``legacy_cache`` is where an earlier
    version kept responses, copied into ``cache`` once."""

    cache: Place | None = None
    timeout: float = 15.0
    deadline: float = 60.0
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    legacy_cache: Path | None = None


@dataclass(frozen=True)
class Response:
    """A fetched document: its final address (after redirects), type and body."""

    url: str
    content_type: str
    body: bytes
    not_modified: bool = False

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'")
        return None


class Fetcher:
    """An HTTP client for one indexing run; use it as a context manager.

    Safe to share between threads. ``downloaded`` and ``not_modified`` count
    what the run cost.
    """

    def __init__(self, options: FetchOptions, transport: httpx.BaseTransport | None = None) -> None:
        self.options = options
        self.downloaded = 0
        self.not_modified = 0
        self._lock = threading.Lock()
        self._unreachable: dict[str, str] = {}
        self._client = httpx.Client(
            headers={"User-Agent": options.user_agent},
            timeout=options.timeout,
            follow_redirects=True,
            max_redirects=options.max_redirects,
            transport=transport,
        )
        self._db: Tables | None = None
        try:
            self._db = None if options.cache is None else open_tables(options.cache, SCHEMA, self._prepare)
        except BaseException:
            self._client.close()
            raise

    def _prepare(self, db: Tables) -> None:
        """An earlier version's cache copied in, and the responses older than ``KEEP_DAYS`` dropped."""
        if self.options.legacy_cache is not None:
            adopt(self.options.legacy_cache, SCHEMA, db, copy_responses)
        cutoff = (datetime.now(UTC) - timedelta(days=KEEP_DAYS)).isoformat(timespec="seconds")
        db.run("DELETE FROM responses WHERE fetched_at < ?", (cutoff,))

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        if self._db is not None:
            self._db.close()

    def get(self, url: str) -> Response:
        """Fetch ``url``, conditionally when a copy is kept; raises FetchError with a reason.

        A server that could not be connected to is not tried again in the same run.
        """
        host = urlsplit(url).netloc
        if host in self._unreachable:
            raise FetchError(f"{self._unreachable[host]} (not tried again in this run)")
        kept, validators = self._kept(url)
        try:
            response = self._download(url, validators, has_copy=kept is not None)
        except httpx.ConnectTimeout:
            reason = f"timed out (no connection within {self.options.timeout:g} s)"
            raise self._unreachable_host(host, reason) from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out (no answer within {self.options.timeout:g} s)") from None
        except httpx.ConnectError as exc:
            raise self._unreachable_host(host, f"could not connect: {exc}") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"too many redirects (more than {self.options.max_redirects})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"request failed: {exc}") from None
        with self._lock:
            if response is None:
                self.not_modified += 1
            else:
                self.downloaded += 1
        return kept if response is None else response  # type: ignore[return-value]

    def _unreachable_host(self, host: str, reason: str) -> FetchError:
        with self._lock:
            self._unreachable[host] = reason
        return FetchError(reason)

    def _download(self, url: str, validators: dict[str, str], has_copy: bool) -> Response | None:
        """The new response, or None when the server says the kept copy is current."""
        started = time.monotonic()
        with self._client.stream("GET", url, headers=validators) as response:
            if response.status_code == 304 and has_copy:
                self._touch(url, response.headers.get("etag"), response.headers.get("last-modified"))
                return None
            if response.status_code >= 300:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            declared = int(response.headers.get("content-length") or 0)
            if declared > self.options.max_bytes:
                raise FetchError(self._too_big(f"{declared / 1e6:.2f} MB"))
            body = bytearray()
            for part in response.iter_bytes():
                body += part
                if len(body) > self.options.max_bytes:
                    raise FetchError(self._too_big("larger"))
                if time.monotonic() - started > self.options.deadline:
                    raise FetchError(f"download took longer than {self.options.deadline:g} s")
        result = Response(str(response.url), response.headers.get("content-type", ""), bytes(body))
        self._keep(url, result, response.headers.get("etag"), response.headers.get("last-modified"))
        return result

    def _too_big(self, size: str) -> str:
        return f"response is {size}, over the {self.options.max_bytes / 1e6:g} MB limit (NEWSQA_MAX_FILE_MB)"

    def _kept(self, url: str) -> tuple[Response | None, dict[str, str]]:
        if self._db is None:
            return None, {}
        rows = self._db.rows(
            "SELECT final_url, etag, last_modified, content_type, body FROM responses WHERE url = ?", (url,)
        )
        if not rows:
            return None, {}
        final_url, etag, last_modified, content_type, body = rows[0]
        validators = {"If-None-Match": etag} if etag else {}
        if last_modified:
            validators["If-Modified-Since"] = last_modified
        return Response(final_url, content_type, bytes(body), not_modified=True), validators

    def _keep(self, url: str, response: Response, etag: str | None, last_modified: str | None) -> None:
        """Keep a response that can be revalidated; forget one that cannot."""
        if self._db is None:
            return
        if not (etag or last_modified):
            self._write(url, "DELETE FROM responses WHERE url = ?", (url,))
            return
        row = (url, response.url, etag, last_modified, response.content_type, response.body, _now())
        self._write(url, _KEEP, row)

    def _touch(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """A kept copy confirmed current: note when, and any newer validators."""
        self._write(
            url,
            "UPDATE responses SET fetched_at = ?, etag = COALESCE(?, etag),"
            " last_modified = COALESCE(?, last_modified) WHERE url = ?",
            (_now(), etag, last_modified, url),
        )

    def _write(self, url: str, sql: str, args: tuple) -> None:
        """Change the cache; a SQLite file that stays locked (by a long indexing run writing to the manifest's
        file) costs the next run a full download of ``url``, not this run the page it fetched."""
        assert self._db is not None
        try:
            self._db.run(sql, args)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            log.warning("the feed cache was not updated for %s: %s", url, exc)


def copy_responses(source: Tables, target: Tables) -> int:
    """Copy the kept responses of ``source`` into ``target``, newer ones replacing older; the number copied."""
    rows = source.rows(f"SELECT {_COLUMNS} FROM responses")
    target.run_many(_KEEP + " WHERE responses.fetched_at <= excluded.fetched_at", rows)
    return len(rows)


def is_url(location: object) -> bool:
    """Whether a source location is a web address rather than a file or folder."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
