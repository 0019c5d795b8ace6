"""Articles from the text of a file: plain text and Markdown, HTML pages and JSON Lines records.

Each parser turns one document (or one record) into an Article, finding its
title, date, source and address where the format has them, or raises
:class:`LoadError` with a reason a user can act on.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

import frontmatter
import yaml

from index.articles import Article, make_article
from index.errors import LoadError
from index.read.dates import UnreadableDate, read_date
from index.wording import counted

_DATE_LINE = re.compile(r"\A\s*date[ \t]*:?[ \t]*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
MIN_ARTICLE_WORDS = 20  # a page's main text with fewer words is a menu or a cookie notice, not a story


def _parse_text(text: str, origin: str) -> tuple[Article, list[str]]:
    """The article in a text or Markdown file, and what in it could not be read (a date)."""
    notes: list[str] = []
    meta: dict[str, Any] = {}
    published = None
    if text.lstrip().startswith("---"):
        meta, body = _front_matter(text)
        key = "date" if "date" in meta else "published_at"
        published = _date_field(meta.get(key), f"front matter line {_line_of(text, key)}: {key}", notes)
        text = body
    if match := _DATE_LINE.match(text):
        published = published or _date_field(match.group(1), "the first line's date", notes)
        text = text[match.end() :]
    title = meta.get("title")
    if match := _HEADING.match(text):
        title = title or match.group(1)
        text = text[match.end() :]
    text = text.strip()
    if not text:
        raise LoadError("no article text after the title and date")
    article = make_article(
        text=text,
        origin=origin,
        title=_str_or_none(title),
        published_at=published,
        source=_str_or_none(meta.get("source")),
        url=_str_or_none(meta.get("url")),
    )
    return article, notes


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter's keys and the text after it; raises LoadError naming the line at fault."""
    try:
        post = frontmatter.loads(text)
    except yaml.MarkedYAMLError as exc:
        raise LoadError(_yaml_problem(exc, text)) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"front matter is not valid YAML: {str(exc).splitlines()[0]}") from None
    return dict(post.metadata), post.content


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> str:
    """The parser's complaint in one line: the line where it gave up, and where what it was reading began."""
    opening = text.count("\n", 0, text.index("---"))  # marks count lines from the opening "---"

    def line(mark: yaml.Mark) -> str:
        return f"line {opening + mark.line + 1}"

    where = f" at {line(exc.problem_mark)}" if exc.problem_mark else ""
    context = ""
    if exc.problem and exc.context:
        context = f" ({exc.context}" + (f" from {line(exc.context_mark)}" if exc.context_mark else "") + ")"
    return f"front matter is not valid YAML{where}: {exc.problem or exc.context}{context}"


def _line_of(text: str, key: str) -> int:
    """The line (from 1) where ``key:`` is written in a file's front matter."""
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _date_field(value: object, name: str, notes: list[str]) -> date | None:
    """The day ``value`` names; one that cannot be read is noted, and the article goes undated."""
    try:
        return read_date(value)
    except UnreadableDate as exc:
        notes.append(f"{name} {exc}; indexed without a date")
        return None


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
            f"no article text could be extracted (only {counted(words, 'word')}:"
            " a menu or a notice, not a story)"
        )
    return make_article(
        text=text,
        origin=origin,
        title=doc.title,
        published_at=_page_date(doc.date),
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


def _parse_record(line: str, origin: str) -> tuple[Article, list[str]]:
    """The article in one JSON Lines record, and what in it could not be read (a date).

    The record's ``id``, when it has one, is the article's id as it is, so that
    citations name the user's own records.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise LoadError("record is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LoadError("record has no 'text'")
    notes: list[str] = []
    article = make_article(
        text=text.replace("\r\n", "\n").strip(),
        origin=origin,
        title=_str_or_none(record.get("title")),
        published_at=_date_field(record.get("published_at"), "published_at", notes),
        source=_str_or_none(record.get("source")),
        url=_str_or_none(record.get("url")),
        key="text:" + hashlib.sha256(text.encode()).hexdigest(),  # without a URL either
        given_id=_record_id(record.get("id")),
    )
    return article, notes


def _record_id(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise LoadError(f"record's 'id' is {json.dumps(value)}, not a string or a number")
    return str(value).strip()


def _page_date(value: str | None) -> date | None:
    """The date trafilatura found in a page (its own reading of the page, in ISO form), if any."""
    try:
        return read_date(value)
    except UnreadableDate:
        return None


def _str_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
