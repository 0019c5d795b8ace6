"""Articles from the text of a file: plain text and Markdown, HTML pages and JSON Lines records.

Each parser turns one document (or one record) into an Article, finding its
title, date, source and address where the format has them, or raises
:class:`LoadError` with a reason a user can act on.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from typing import Any

import frontmatter

from index.articles import Article, make_article
from index.errors import LoadError

_DATE_LINE = re.compile(r"\A\s*date[ \t]*:?[ \t]*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
MIN_ARTICLE_WORDS = 20  # a page's main text with fewer words is a menu or a cookie notice, not a story


def _parse_text(text: str, origin: str) -> Article:
    meta: dict[str, Any] = {}
    if text.lstrip().startswith("---"):
        try:
            post = frontmatter.loads(text)
        except Exception as exc:  # YAML errors come in many types
            raise LoadError(f"front matter is not valid YAML: {exc}") from None
        meta, text = dict(post.metadata), post.content
    published = _parse_date(meta.get("date", meta.get("published_at")))
    if match := _DATE_LINE.match(text):
        published = published or _parse_date(match.group(1))
        text = text[match.end() :]
    title = meta.get("title")
    if match := _HEADING.match(text):
        title = title or match.group(1)
        text = text[match.end() :]
    text = text.strip()
    if not text:
        raise LoadError("no article text after the title and date")
    return make_article(
        text=text,
        origin=origin,
        title=_str_or_none(title),
        published_at=published,
        source=_str_or_none(meta.get("source")),
        url=_str_or_none(meta.get("url")),
    )


def parse_html(html: str, origin: str, url: str | None = None) -> Article:
    """The article in a web page: its main text and metadata, without menus, ads or hidden text.

    ``url`` is the address the page was fetched from, kept in preference to the
    one the page states.
    """
    import trafilatura  # slow to import; only HTML needs it

    doc = trafilatura.bare_extraction(_without_hidden(html), with_metadata=True, include_comments=False)
    text = (doc.text or "").strip() if doc else ""
    if not text:
        raise LoadError("no visible article text in the HTML")
    if doc.title and text.startswith(doc.title):
        text = text[len(doc.title) :].lstrip() or text
    words = len(text.split())
    if words < MIN_ARTICLE_WORDS:
        raise LoadError(
            f"no article text could be extracted (only {words} word{'s' if words > 1 else ''}:"
            " a menu or a notice, not a story)"
        )
    return make_article(
        text=text,
        origin=origin,
        title=doc.title,
        published_at=_parse_date(doc.date),
        source=doc.sitename or doc.hostname,
        url=url or doc.url,
    )


_HIDDEN = (
    "//*[@hidden or @aria-hidden='true' or contains(@class, 'visually-hidden') or contains(@class, 'sr-only')"
    " or contains(translate(@style, ' ', ''), 'display:none')"
    " or contains(translate(@style, ' ', ''), 'visibility:hidden')]"
)


def _without_hidden(html: str) -> str:
    """The page without elements a reader never sees, where planted text likes to hide."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return html
    for element in tree.xpath(_HIDDEN):
        element.drop_tree()
    return lxml_html.tostring(tree, encoding="unicode")


def _decode_line(raw: bytes, lineno: int) -> str:
    try:
        return raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"invalid UTF-8 at byte {exc.start}") from None


def _parse_record(line: str, origin: str) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise LoadError("record is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LoadError("record has no 'text'")
    return make_article(
        text=text.replace("\r\n", "\n").strip(),
        origin=origin,
        title=_str_or_none(record.get("title")),
        published_at=_parse_date(record.get("published_at")),
        source=_str_or_none(record.get("source")),
        url=_str_or_none(record.get("url")),
        key=_record_key(record, text, origin),
    )


def _record_key(record: dict[str, Any], text: str, origin: str) -> str:
    """Records without a URL are told apart by their own id, else by their text."""
    rid = record.get("id")
    if rid not in (None, ""):
        return f"record:{origin}#{rid}"
    return "text:" + hashlib.sha256(text.encode()).hexdigest()


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _str_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
