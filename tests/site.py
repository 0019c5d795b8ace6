"""A small news site on a real loopback HTTP server: feeds and article pages, with ETags.

Pages are built from real articles in ``tests/data``. The site answers
conditional requests as a well-behaved server does and logs every response,
so tests can tell what was downloaded and what was not.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DATA = Path(__file__).parent / "data"

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml"
HTML = "text/html; charset=utf-8"


def slice_articles() -> list[dict]:
    """The real news articles of the test slice, as records."""
    return [json.loads(line) for line in (DATA / "realtimeqa-slice.jsonl").read_text().splitlines() if line]


def page(article: dict) -> str:
    """An article as a news site serves it: navigation, the story, a footer."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    return (
        f"<html><head><title>{html.escape(article['title'])}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{html.escape(article['title'])}</h1>{paragraphs}</article>"
        "<footer>© Loopback News</footer></body></html>"
    )


@dataclass
class Item:
    """A feed entry: title, link, date, and either full content or only a summary."""

    title: str
    link: str
    published: datetime
    summary: str
    content: str | None = None


def rss(title: str, items: list[Item]) -> str:
    def entry(item: Item) -> str:
        content = f"<content:encoded>{html.escape(item.content)}</content:encoded>" if item.content else ""
        return (
            f"<item><title>{html.escape(item.title)}</title><link>{html.escape(item.link)}</link>"
            f"<guid>{html.escape(item.link)}</guid><pubDate>{format_datetime(item.published)}</pubDate>"
            f"<description>{html.escape(item.summary)}</description>{content}</item>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{html.escape(title)}</title><link>http://example.invalid/</link><description>News</description>"
        f"{''.join(entry(i) for i in items)}</channel></rss>"
    )


def atom(title: str, items: list[Item]) -> str:
    def entry(item: Item) -> str:
        body = f'<content type="html">{html.escape(item.content)}</content>' if item.content else ""
        return (
            f"<entry><title>{html.escape(item.title)}</title><link href=\"{html.escape(item.link)}\"/>"
            f"<id>{html.escape(item.link)}</id><updated>{item.published.isoformat()}</updated>"
            f"<summary>{html.escape(item.summary)}</summary>{body}</entry>"
        )

    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{html.escape(title)}</title><id>urn:loopback</id><updated>2024-01-20T00:00:00Z</updated>"
        f"{''.join(entry(i) for i in items)}</feed>"
    )


def day(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(hour=9, tzinfo=UTC)


class NewsSite:
    """Documents by path, served with ETags or Last-Modified; every response is logged."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.slow: dict[str, float] = {}  # path → seconds held before answering (cut short at teardown)
        self.redirects: dict[str, str] = {}  # path → path it moved to (301)
        self.dated: set[str] = set()  # paths validated by Last-Modified instead of an ETag
        self.chunked: set[str] = set()  # paths sent without a Content-Length
        self.log: list[tuple[str, int, str]] = []  # path, status, User-Agent
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Lock()
        self.closing = threading.Event()  # set when the site stops: slow pages answer at once
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def put(self, path: str, body: str | bytes, content_type: str = HTML) -> str:
        self.docs[path] = (body.encode() if isinstance(body, str) else body, content_type)
        return self.url(path)

    def sent(self, status: int | None = None) -> list[str]:
        """Paths answered (with ``status``), in order."""
        with self._lock:
            return [path for path, code, _ in self.log if status is None or code == status]

    def forget_log(self) -> None:
        with self._lock:
            self.log.clear()

    def _handle(self, request: Request) -> Response:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        response = self._respond(request)
        with self._lock:
            self.in_flight -= 1
            self.log.append((request.path, response.status_code, request.headers.get("User-Agent", "")))
        return response

    def _respond(self, request: Request) -> Response:
        if request.path in self.slow:
            self.closing.wait(self.slow[request.path])
        if request.path == "/loop":
            return Response(status=302, headers={"Location": "/loop"})
        if request.path in self.redirects:
            return Response(status=301, headers={"Location": self.redirects[request.path]})
        if request.path not in self.docs:
            return Response("Not Found", status=404)
        body, content_type = self.docs[request.path]
        if request.path in self.dated:
            # A distinct time for each version of the document, as a file's modification time would be.
            stamp = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=int(hashlib.sha256(body).hexdigest()[:6], 16))
            headers = {"Last-Modified": format_datetime(stamp, usegmt=True)}
            fresh = request.headers.get("If-Modified-Since") == headers["Last-Modified"]
        else:
            headers = {"ETag": '"' + hashlib.sha256(body).hexdigest()[:16] + '"'}
            fresh = request.headers.get("If-None-Match") == headers["ETag"]
        if fresh:
            return Response(status=304, headers=headers)
        if request.path in self.chunked:
            return Response(iter([body[i : i + 8192] for i in range(0, len(body), 8192)]), content_type=content_type, headers=headers)
        return Response(body, content_type=content_type, headers=headers)


def serve() -> Iterator[NewsSite]:
    """A site on its own threaded server (a slow page must not hold up the others), stopped afterwards."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    site = NewsSite(server)
    try:
        yield site
    finally:
        site.closing.set()
        server.clear()
        server.stop()
