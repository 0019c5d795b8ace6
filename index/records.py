"""Where everything of the index but the vectors is kept: the manifest with its keyword index, and the writer lock.

Two kinds of database hold them, behind the interfaces here:

- the embedded default, one SQLite file in the data folder with a file lock
  beside it (:class:`SqliteRecords`, nothing to install);
- a PostgreSQL database shared by processes on several hosts
  (:class:`index.pg.PostgresRecords`), chosen by a database address.

Both promise the same: an article counts once its row is committed, its
sentence vectors, keyword rows and story are written in the same transaction, and
one indexing run at a time holds the writer lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from index import lock
from index.articles import Article
from index.errors import NewsqaError
from index.keyword import KeywordDamage
from index.lock import Holder, LockStatus
from index.manifest import Entry, Manifest, Spans
from index.stories import Membership


class Records(Protocol):
    """The manifest and its keyword index, as the indexer, the retriever and the check use them."""

    @property
    def location(self) -> str:
        """Where the records are, for messages and stats (a file, or a database address without its password)."""

    @property
    def generation(self) -> int:
        """A number that changes whenever the indexed content does."""

    @property
    def keywords_complete(self) -> bool:
        """Whether every article's keyword rows are written."""

    def close(self) -> None: ...

    def entries(self) -> dict[str, Entry]: ...

    def record(self, article: Article, texts: Sequence[str], spans: Spans, vectors: np.ndarray) -> None:
        """Mark an article as indexed with chunks of these ``texts`` and its sentence vectors, in one transaction."""

    def sentence_vectors(self, articles: dict[str, str]) -> dict[tuple[str, int, int], np.ndarray]: ...

    def with_sentences(self) -> set[str]: ...

    def forget(self, article_id: str) -> None: ...

    def clear(self) -> None: ...

    def place(self, article: Article, spans: Spans, vectors: np.ndarray) -> None:
        """Put a recorded article in its story (``index.stories``), from its citable ``spans`` and their
        ``vectors``, in one transaction: for articles recorded by an earlier version, which have none."""

    def memberships(self) -> dict[str, Membership]:
        """Each article's story and copy group by article id; none for articles recorded by an earlier version
        until they are placed (``record`` places every article it records)."""

    def keyword_search(self, topic: str, k: int, articles: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs for ``topic``, best first, from ``articles`` only if given."""

    def keyword_damage(self) -> KeywordDamage: ...

    def write_keywords(self, articles: Sequence[tuple[str, str, Sequence[str]]], extra: Sequence[str] = ()) -> None:
        """Write the keyword rows of (article id, title, chunk texts), and remove the ``extra`` chunks' rows."""

    def mark_keywords_complete(self) -> None: ...

    @property
    def consistent(self) -> bool:
        """Whether the last indexing run ended cleanly and nothing was written since: the store then holds
        what the rows promise, and the next run need not read it all."""

    def mark_consistent(self, consistent: bool) -> None:
        """Record that the store holds what the rows promise (at the end of a run), or that it may not (before
        a run changes it)."""

    def totals(self) -> tuple[int, int]:
        """(articles, chunks) as recorded."""


class WriterLock(Protocol):
    """One indexing run at a time per index, across processes (and hosts, for a shared database).

    The holder leaves a record of who it is and since when, removed on release:
    a record left while the lock is free says that a run was killed.
    """

    def hold(self) -> AbstractContextManager[None]:
        """Take the lock for the block; IndexBusyError at once when another run holds it."""

    def status(self) -> LockStatus:
        """Whether the lock is held now, and the record its last holder left; changes nothing."""

    def holder(self) -> Holder | None:
        """The record the last holder left, if any."""


class Database(Protocol):
    """A place for the records: opened for writing, or for reading only, and its writer lock."""

    @property
    def location(self) -> str: ...

    @property
    def lock(self) -> WriterLock: ...

    def open(self) -> Records:
        """The records, created (or brought up to date) if need be."""

    def reader(self) -> Records | None:
        """The records opened without writing anything; None where none were ever created."""


class FileLock:
    """The writer lock of the embedded database: a file lock and its holder's record beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def hold(self) -> AbstractContextManager[None]:
        return lock.writer_lock(self.path)

    def status(self) -> LockStatus:
        return lock.lock_status(self.path)

    def holder(self) -> Holder | None:
        return lock.read_holder(self.path)


class SqliteRecords:
    """The embedded default: the manifest in one SQLite file, the writer lock a file beside it."""

    def __init__(self, manifest_path: Path, lock_path: Path) -> None:
        self.manifest_path = manifest_path
        self.lock = FileLock(lock_path)

    @property
    def location(self) -> str:
        return str(self.manifest_path)

    @property
    def moved_path(self) -> Path:
        """Where a move of these records into PostgreSQL (``index.move``) leaves the address it moved them to."""
        return self.manifest_path.with_name("moved-to")

    def open(self) -> Manifest:
        """The manifest, created if need be; refused once its records were moved (``index.move``): a run here
        would take the chunks of the articles indexed there since for orphans, and remove them."""
        if self.moved_path.is_file():
            where = self.moved_path.read_text(encoding="utf-8").strip()
            raise NewsqaError(
                f"the index in {self.manifest_path.parent} was moved to {where} (`newsqa migrate`): set "
                f"NEWSQA_DATABASE_URL to use it there (or remove {self.moved_path} to use this copy, only if nothing "
                "was indexed there since: it shares the Chroma store)"
            )
        return Manifest(self.manifest_path)

    def mark_moved(self, to: str) -> None:
        """Record that these records were moved to ``to`` (an address without password), refusing writers here."""
        self.moved_path.write_text(f"{to}\n", encoding="utf-8")

    def reader(self) -> Manifest | None:
        if not self.manifest_path.is_file():
            return None
        manifest = Manifest(self.manifest_path, read_only=True)
        try:
            manifest.generation  # a file that is no database fails here, at its first read
        except sqlite3.DatabaseError as exc:
            manifest.close()
            raise NewsqaError(f"cannot read the manifest {self.manifest_path}: {exc}") from exc
        return manifest
