"""Which articles of a batch are indexed: one copy of each, a feed's summary never over its full page,
an id never taken from another file's article, and an article that changed id in place of its old one.

Whatever is left out is reported with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.articles import Article
from index.manifest import Entry
from index.read.files import Failure
from index.report import IndexReport


@dataclass
class Batch:
    """What one run read: its articles, those that stand in for a page that failed (by article id), and the
    origins read without failures (only those may have articles pruned)."""

    articles: list[Article] = field(default_factory=list)
    from_summary: dict[str, Failure] = field(default_factory=dict)
    clean_origins: set[str] = field(default_factory=set)


def keep_fuller(
    articles: list[Article], from_summary: dict[str, Failure], entries: dict[str, Entry], report: IndexReport
) -> list[Article]:
    """The articles without summaries that would replace an indexed copy of the full page.

    The kept copy counts as unchanged and the page's failure is reported; a
    summary indexed for want of its page is reported as a warning.
    """
    kept = []
    for article in articles:
        page = from_summary.get(article.id)
        if page is not None and article.id in entries:
            report.unchanged += 1
            report.failed.append(Failure(page.path, f"{page.reason}; kept the text indexed before"))
            continue
        if page is not None:
            report.warnings.append(Failure(page.path, f"{page.reason}; indexed from the feed's summary instead"))
        kept.append(article)
    return kept


def dedupe(
    articles: list[Article], entries: dict[str, Entry], read: set[str], report: IndexReport
) -> tuple[list[Article], list[Entry]]:
    """One copy of each article, and the indexed entries it replaces under a new id.

    The same file read twice is no news; a second, different source of the same
    article, or an id that an article of another file not read in this run
    (``read``: the origins read without failures) already has, is reported so
    that the user knows why it is not indexed. An id whose file was read
    without it has moved, and goes with it. The same content from the same file
    under another id (a record whose ``id`` was changed) replaces its old entry.
    """
    batch_ids = {a.id for a in articles}
    indexed = {e.content_hash: e for e in entries.values() if e.id not in batch_ids}
    by_id: dict[str, Article] = {}
    by_hash: dict[str, Article] = {}
    renamed: list[Entry] = []
    for article in articles:
        twin = by_id.get(article.id) or by_hash.get(article.content_hash)
        if twin is not None:
            # The same article from two places (say, two feeds of one site) is no news either.
            if (twin.id, twin.content_hash) != (article.id, article.content_hash):
                report.failed.append(Failure(article.origin, f"duplicate of {twin.title!r} from {twin.origin}"))
            continue
        known = indexed.get(article.content_hash)
        if known is not None and known.origin != article.origin and _still_there(known):
            report.failed.append(
                Failure(article.origin, f"same article as {known.title!r}, already indexed from {known.origin}")
            )
            continue
        owner = entries.get(article.id)
        if owner is not None and owner.origin != article.origin and owner.origin not in read and _still_there(owner):
            same = "same address" if article.url and article.url == owner.url else f"same id ({article.id})"
            report.failed.append(Failure(article.origin, f"{same} as {owner.title!r}, indexed from {owner.origin}"))
            continue
        if known is not None and known.origin == article.origin:
            renamed.append(known)
        by_id[article.id] = article
        by_hash[article.content_hash] = article
    return list(by_id.values()), renamed


def _still_there(entry: Entry) -> bool:
    """Whether the file an entry was indexed from still exists (a web address never counts)."""
    return Path(entry.origin).exists()
