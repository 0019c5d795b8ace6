"""Reading articles from files: plain text, Markdown, HTML and JSON Lines.

Every loader either returns articles or raises :class:`LoadError` with a reason a
user can act on. A JSON Lines file reports its bad lines one by one and still
returns the good ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import Article
from index.errors import LoadError
from index.read.decode import decode
from index.read.formats import _decode_line, _parse_record, _parse_text, parse_html

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

DEFAULT_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Failure:
    """An input that was not indexed, or not as it stood (a warning), and why."""

    path: str
    reason: str


@dataclass
class Loaded:
    """What one file gave: its articles, the records in it that failed, and what was indexed but not all read."""

    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)
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
    article, notes = _parse_text(text, origin)
    return Loaded([article], warnings=[Failure(str(path), note) for note in notes])


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a file to text with Unix newlines, refusing what is not text.

    UTF-8 and byte-order-marked UTF-16/32 are read as such; anything else in
    the code page whose reading a language would write (cp1252, Latin-1 and the
    like), or refused if none reads as text.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit (NEWSQA_MAX_FILE_MB)")
    data = path.read_bytes()
    text = decode(data)
    if not text.strip():
        raise LoadError("file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_jsonl(path: Path, origin: str, max_bytes: int) -> Loaded:
    """JSON Lines are read line by line, so a large file never sits in memory whole.

    A bad line, or a line read but for its date, is reported as ``PATH:LINE``,
    with PATH as the user gave it.
    """
    loaded = Loaded()
    with path.open("rb") as lines:
        for lineno, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                if len(raw) > max_bytes:
                    raise LoadError(f"record is over the {max_bytes / 1e6:.1f} MB limit (NEWSQA_MAX_FILE_MB)")
                article, notes = _parse_record(_decode_line(raw, lineno), origin)
                loaded.articles.append(article)
                loaded.warnings.extend(Failure(f"{path}:{lineno}", note) for note in notes)
            except LoadError as exc:
                loaded.failures.append(Failure(f"{path}:{lineno}", str(exc)))
    if not loaded.articles and not loaded.failures:
        raise LoadError("file is empty")
    return loaded


def iter_loaded(files: Iterable[Path], max_bytes: int) -> Iterator[tuple[Path, Loaded]]:
    """Load files one by one; a file that fails as a whole yields its failure."""
    for path in files:
        try:
            yield path, load_file(path, max_bytes)
        except LoadError as exc:
            yield path, Loaded(failures=[Failure(str(path), str(exc))])
        except OSError as exc:
            yield path, Loaded(failures=[Failure(str(path), exc.strerror or str(exc))])
