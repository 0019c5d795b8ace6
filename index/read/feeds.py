"""Articles from the web: RSS and Atom feeds, and single pages.

A feed's entries become articles with the entry's title, link and date, and the
feed's title as their source. An entry that carries only a summary has its
linked page fetched and its main text extracted; when that fails, the summary
is indexed instead, if it is long enough to be news. A page address gives one
article.
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
from index.read.decode import decode
from index.read.files import Failure, Loaded
from index.read.formats import parse_html
from index.read.http import Fetcher, Response, is_url
from index.wording import counted

_FEED_TYPES = ("rss", "atom", "rdf", "/xml", "+xml")
_FEED_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL
)
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")
# A summary shorter than this is a teaser, not news. Measured on the lead paragraphs (the first
# that ends a sentence, past bylines and datelines) of the 1,562 real articles in tests/data and
# the realtimeqa-2024 set: 15 (1.0%) have under 6 words, every one a teaser ("Checkmate.",
# "Imagine this."), a byline ("24/7 Wall St.") or a time stamp ("Update 5:10 p.m."); from 6 words
# they state news ("A presidential candidate recently visited Lakeland."). The 1st percentile is 6.
MIN_SUMMARY_WORDS = 6
PAGES_AT_ONCE = 4
# Feed parsers complain about these, but they do not lose content.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def load_url(url: str, fetcher: Fetcher) -> Loaded:
    """The articles at a feed or page address; raises LoadError when there are none to be had."""
    response = fetcher.get(url)
    if _is_feed(response):
        return _read_feed(url, response, fetcher)
    # A page is known by the address it ends up at, so a redirect does not give a second copy.
    return Loaded([_page_article(response, origin=url, url=response.url)])


def _is_feed(response: Response) -> bool:
    if _FEED_START.match(response.body[:2048]):
        return True
    kind = response.content_type.split(";")[0].strip().lower()
    return "html" not in kind and any(t in kind for t in _FEED_TYPES)


def _page_article(response: Response, origin: str, url: str) -> Article:
    text = _text_of(response)
    if not text.strip():
        raise LoadError("the page is empty")
    return parse_html(text, origin=origin, url=url)


def _text_of(response: Response) -> str:
    """The page's text. The charset a server declares is weighed, not obeyed: servers often declare a default
    whatever the file holds ("iso-8859-1" over windows-1252 quotes, "utf-8" over Latin-1), and a byte-order mark
    outranks it, as in browsers."""
    return decode(response.body, declared=response.charset)


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

    def read(entry: dict) -> tuple[Article, Failure | None] | LoadError:
        try:
            return _entry_article(entry, url, response.url, fetcher)
        except LoadError as exc:
            return exc

    loaded = Loaded()
    # Linked pages are fetched a few at a time: one slow server stalls only its own entries.
    with ThreadPoolExecutor(max_workers=PAGES_AT_ONCE) as pool:
        for n, (entry, result) in enumerate(zip(parsed.entries, pool.map(read, parsed.entries)), start=1):
            if isinstance(result, LoadError):
                where = _entry_link(entry, response.url) or f"{url} (entry {n}: {entry.get('title') or 'untitled'})"
                loaded.failures.append(Failure(where, str(result)))
                continue
            article, page_problem = result
            loaded.articles.append(article)
            if page_problem is not None:
                loaded.from_summary[article.id] = page_problem
    if problem is not None:
        read_ = len(loaded.articles)
        count = f"{read_} entr{'y' if read_ == 1 else 'ies'}"
        loaded.failures.append(Failure(url, f"malformed feed ({problem}); {count} could still be read"))
    return loaded


def _entry_article(entry: dict, feed_url: str, base: str, fetcher: Fetcher) -> tuple[Article, Failure | None]:
    """The entry as an article, and why its page could not be used when it stands on its summary."""
    link = _entry_link(entry, base)
    text = "\n\n".join(filter(None, (fragment_text(c.get("value", "")) for c in entry.get("content", []))))
    published = _entry_date(entry)
    page_problem = None
    if not text and link:
        try:
            page = _page_article(fetcher.get(link), origin=feed_url, url=link)
            text, published = page.text, published or page.published_at
        except LoadError as exc:
            page_problem = Failure(link, str(exc))
    if not text:
        text = _summary(entry, page_problem)
    article = make_article(
        text=text,
        origin=feed_url,
        title=entry.get("title"),
        published_at=published,
        source=_site(link or feed_url),
        url=link,
        key=f"entry:{feed_url}#{entry.get('id') or entry.get('title') or text[:200]}",
    )
    return article, page_problem


def _summary(entry: dict, page_problem: Failure | None) -> str:
    """The entry's summary, to stand for its story; raises LoadError when it is too short to be news."""
    text = fragment_text(entry.get("summary", ""))
    words = len(text.split())
    if words >= MIN_SUMMARY_WORDS:
        return text
    why = page_problem.reason if page_problem else "no link to a page"
    if not words:
        raise LoadError(f"the entry has no text ({why})")
    raise LoadError(f"{why}; the feed's summary, {counted(words, 'word')}, is too short to index instead")


def _entry_link(entry: dict, base: str) -> str | None:
    """The entry's web address, if it has one: not an id that feed parsers pass off as a link."""
    links = [x.get("href") for x in entry.get("links", []) if x.get("rel", "alternate") == "alternate"]
    raw = next((x for x in links if x), None) or entry.get("link")
    if not raw:
        return None
    if raw == entry.get("id") and not is_url(raw):
        return None  # an RSS <guid> such as "12345" or an Atom "urn:…", not an address
    link = urljoin(base, raw)
    return link if is_url(link) else None


def _site(url: str) -> str:
    """The publisher's site, e.g. bbc.co.uk: the same for every feed of a site, so that
    a story carried by two of its feeds is one article."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")


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
