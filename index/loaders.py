"""Reading articles from files: plain text, Markdown, HTML and JSON Lines.

Every loader either returns articles or raises :class:`LoadError` with a reason a
user can act on. A JSON Lines file reports its bad lines one by one and still
returns the good ones.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import charset_normalizer
import frontmatter

from index.articles import Article, make_article
from index.errors import LoadError

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

DEFAULT_MAX_BYTES = 5_000_000
CHAOS_TIE = 0.01  # charset detection's "mess" measures this close count as equally good

_DATE_LINE = re.compile(r"\A\s*date[ \t]*:?[ \t]*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


@dataclass(frozen=True)
class Failure:
    """An input that was not indexed, and why."""

    path: str
    reason: str


@dataclass
class Loaded:
    """What one file gave: its articles, and the records in it that failed."""

    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Articles that stand on a feed's summary because their page failed (id → the
    # page's failure): an earlier, fuller copy in the index is kept rather than replaced.
    from_summary: dict[str, Failure] = field(default_factory=dict)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Failure], list[Path]]:
    """Expand files and folders (recursively) into the article files to read.

    Files named explicitly must be of a supported type; inside folders, files
    of other types are passed over (and returned last, to be counted), hidden
    entries silently. A folder's files must stay inside it: a symlink pointing
    elsewhere is refused, not followed.
    """
    files: list[Path] = []
    failures: list[Failure] = []
    passed_over: list[Path] = []
    for path in paths:
        if path.is_dir():
            found, outside, others = _walk(path)
            files.extend(found)
            passed_over.extend(others)
            failures.extend(Failure(str(p), f"leaves the folder {path} (a link to {p.resolve()})") for p in outside)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                failures.append(Failure(str(path), f"unsupported file type (supported: {kinds})"))
        else:
            failures.append(Failure(str(path), "no such file or folder"))
    failed = {Path(f.path).resolve() for f in failures}
    passed_over = [p for p in dict.fromkeys(passed_over) if p.resolve() not in failed]  # named too: a failure
    return list(dict.fromkeys(files)), failures, passed_over


def _walk(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """Supported files under ``folder`` (links to directories not followed), links leading
    out of it, and files of other types."""
    root = folder.resolve()
    found: list[Path] = []
    outside: list[Path] = []
    others: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        for name in dirnames:
            if (here / name).is_symlink() and not (here / name).resolve().is_relative_to(root):
                outside.append(here / name)
        for name in sorted(filenames):
            path = here / name
            if name.startswith("."):
                continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                others.append(path)
                continue
            if not path.resolve().is_relative_to(root):
                outside.append(path)
            elif path.is_file():
                found.append(path)
    return found, outside, others


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read one file into articles; raises LoadError when the file as a whole is unusable.

    ``max_bytes`` caps an article: a whole file, or one line of a JSON Lines file.
    """
    origin = str(path.resolve())
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(path, origin, max_bytes)
    text = read_text(path, max_bytes)
    if suffix in HTML_SUFFIXES:
        return Loaded([parse_html(text, origin)])
    return Loaded([_parse_text(text, origin)])


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a file to text with Unix newlines, refusing what is not text.

    UTF-8 and byte-order-marked UTF-16/32 are read as such; anything else goes
    through charset detection (cp1252, Latin-1 and the like).
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit (NEWSQA_MAX_FILE_MB)")
    data = path.read_bytes()
    text = decode(data)
    if not text.strip():
        raise LoadError("file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def byte_order_mark(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names, if there is one."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def decode(data: bytes) -> str:
    """Bytes to text: byte-order marks, then UTF-8 (broken bytes kept as U+FFFD), then charset detection."""
    encoding = byte_order_mark(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise LoadError(f"invalid {encoding} text: {exc.reason}") from None
    if b"\x00" in data:
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Valid multi-byte sequences hardly ever occur by chance in 8-bit text: if
    # there are any, this is UTF-8 with some broken bytes, kept and marked (U+FFFD).
    text = data.decode("utf-8", errors="replace")
    if any(ord(ch) > 127 and ch != "\ufffd" for ch in text):
        return text
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    """Text in an 8-bit code page, as charset detection sees it.

    Short texts fit several code pages equally well; on a tie windows-1252 (a
    superset of Latin-1, and the usual legacy encoding of Western news) wins.
    """
    best = charset_normalizer.from_bytes(data).best()
    western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos + CHAOS_TIE):
        return str(western)
    if best is None:
        raise LoadError("not decodable as text in any known encoding")
    return str(best)


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
        text = text[len(doc.title) :].lstrip()
    return make_article(
        text=text or doc.text.strip(),
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


def _read_jsonl(path: Path, origin: str, max_bytes: int) -> Loaded:
    """JSON Lines are read line by line, so a large file never sits in memory whole.

    A bad line is reported as ``PATH:LINE``, with PATH as the user gave it.
    """
    loaded = Loaded()
    with path.open("rb") as lines:
        for lineno, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                if len(raw) > max_bytes:
                    raise LoadError(f"record is over the {max_bytes / 1e6:.1f} MB limit (NEWSQA_MAX_FILE_MB)")
                loaded.articles.append(_parse_record(_decode_line(raw, lineno), origin))
            except LoadError as exc:
                loaded.failures.append(Failure(f"{path}:{lineno}", str(exc)))
    if not loaded.articles and not loaded.failures:
        raise LoadError("file is empty")
    return loaded


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


def iter_loaded(files: Iterable[Path], max_bytes: int) -> Iterator[tuple[Path, Loaded]]:
    """Load files one by one; a file that fails as a whole yields its failure."""
    for path in files:
        try:
            yield path, load_file(path, max_bytes)
        except LoadError as exc:
            yield path, Loaded(failures=[Failure(str(path), str(exc))])
        except OSError as exc:
            yield path, Loaded(failures=[Failure(str(path), exc.strerror or str(exc))])
