"""Articles from the web: RSS and Atom feeds, and single pages.

A feed's entries become articles with the entry's title, link and date, and the
feed's title as their source. An entry that carries only a summary has its
linked page fetched and its main text extracted; when that fails, the summary
is indexed instead. A page address gives one article.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from index.articles import Article, make_article
from index.errors import LoadError
from index.fetch import Fetcher, Response
from index.loaders import Failure, Loaded, decode, parse_html

_FEED_TYPES = ("rss", "atom", "rdf", "/xml", "+xml")
_FEED_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")
MIN_PAGE_WORDS = 20
PAGES_AT_ONCE = 4
# Feed parsers complain about these, but they do not lose content.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def load_url(url: str, fetcher: Fetcher) -> Loaded:
    """The articles at a feed or page address; raises LoadError when there are none to be had."""
    response = fetcher.get(url)
    if _is_feed(response):
        return _read_feed(url, response, fetcher)
    return Loaded([_page_article(response, url)])


def _is_feed(response: Response) -> bool:
    kind = response.content_type.split(";")[0].strip().lower()
    if "html" in kind:
        return False
    return any(t in kind for t in _FEED_TYPES) or bool(_FEED_START.match(response.body[:2048]))


def _page_article(response: Response, url: str) -> Article:
    text = _text_of(response)
    if not text.strip():
        raise LoadError("the page is empty")
    try:
        article = parse_html(text, origin=url, url=url)
    except LoadError:
        raise LoadError("no article text could be extracted from the page") from None
    words = len(article.text.split())
    if words < MIN_PAGE_WORDS:  # a menu or a cookie notice, not a story
        raise LoadError(f"no article text could be extracted from the page (only {words} words)")
    return article


def _text_of(response: Response) -> str:
    if response.charset:
        try:
            return response.body.decode(response.charset, errors="replace")
        except LookupError:  # a charset Python does not know: detect it instead
            pass
    return decode(response.body)


def _read_feed(url: str, response: Response, fetcher: Fetcher) -> Loaded:
    parsed = feedparser.parse(response.body, response_headers={"content-type": response.content_type})
    problem = parsed.get("bozo_exception")
    if problem is not None and isinstance(problem, _HARMLESS):
        problem = None
    if not parsed.entries:
        if problem is not None:
            raise LoadError(f"malformed feed: {problem}")
        if not parsed.get("version"):
            raise LoadError("not an RSS or Atom feed")
    source = (parsed.feed.get("title") or urlsplit(url).hostname or url).strip()

    def read(entry: dict) -> Article | LoadError:
        try:
            return _entry_article(entry, url, response.url, source, fetcher)
        except LoadError as exc:
            return exc

    loaded = Loaded()
    # Linked pages are fetched a few at a time: one slow server stalls only its own entries.
    with ThreadPoolExecutor(max_workers=PAGES_AT_ONCE) as pool:
        for n, (entry, result) in enumerate(zip(parsed.entries, pool.map(read, parsed.entries)), start=1):
            if isinstance(result, LoadError):
                where = f"{url} (entry {n}: {entry.get('title') or 'untitled'})"
                loaded.failures.append(Failure(where, str(result)))
            else:
                loaded.articles.append(result)
    if problem is not None:
        read = len(loaded.articles)
        loaded.failures.append(Failure(url, f"malformed feed ({problem}); {read} entries could still be read"))
    return loaded


def _entry_article(entry: dict, feed_url: str, base: str, source: str, fetcher: Fetcher) -> Article:
    link = urljoin(base, entry["link"]) if entry.get("link") else None
    text = "\n\n".join(filter(None, (fragment_text(c.get("value", "")) for c in entry.get("content", []))))
    published = _entry_date(entry)
    if not text and link:
        page = _linked_page(link, fetcher)
        if page is not None:
            text, published = page.text, published or page.published_at
    text = text or fragment_text(entry.get("summary", ""))
    if not text:
        raise LoadError("the entry has no text, and its page gave none")
    return make_article(
        text=text,
        origin=feed_url,
        title=entry.get("title"),
        published_at=published,
        source=source,
        url=link,
        key=f"entry:{feed_url}#{entry.get('id') or entry.get('title') or text[:200]}",
    )


def _linked_page(link: str, fetcher: Fetcher) -> Article | None:
    """The article an entry links to, or None when it cannot be had (the summary stands in)."""
    try:
        return _page_article(fetcher.get(link), link)
    except LoadError:
        return None


def _entry_date(entry: dict) -> date | None:
    stamp: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (a feed's content or summary), one paragraph per block."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(html.split())
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", root.text_content()))
    return "\n\n".join(p for p in paragraphs if p)
