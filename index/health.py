"""Checking an index without changing it, and the comparison of manifest and store that repairs start from.

Each problem found is of one kind:

- ``missing_chunks``: an article the manifest lists lacks chunks in the store
  (a chunk deleted, or a row written for chunks that never were);
- ``content_mismatch``: chunks of an article hold another version of it than
  its row records, so they are never cited;
- ``orphan_chunks``: stored chunks that no manifest row accounts for;
- ``keyword_missing``: chunks of the manifest's rows have no keyword rows, so
  keyword search misses them (all of them in an index made by an earlier
  version, until an indexing run writes them);
- ``keyword_extra``: keyword rows of chunks that no manifest row lists;
- ``model_mismatch``: the collection was built with another model than the
  configured one, so questions are refused;
- ``stale_lock``: an indexing run took the writer lock and ended without
  releasing it (it was killed); anything it left half done is listed too;
- ``busy``: an indexing run holds the lock, or wrote while the check read:
  nothing else can be told until it is done.

Checking reads the manifest without writing to it (through a read-only
connection, or without creating the tables of a database where none are), and from
the store the ids of all chunks and of those that carry a row's content hash;
it needs no embedding model. The indexer's reconcile, which every repair and
every indexing run after one that did not end cleanly starts with, acts on the
same comparisons (``find_damage``, and the manifest's ``keyword_damage``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from index.chunking import article_of
from index.keyword import KeywordDamage
from index.lock import Holder
from index.manifest import Entry
from index.records import Database
from index.store import ChunkStore
from index.wording import counted

REPAIR_HINT = "newsqa check --repair"
MISSING, MISMATCH, ORPHANS = "missing_chunks", "content_mismatch", "orphan_chunks"
KEYWORD_MISSING, KEYWORD_EXTRA = "keyword_missing", "keyword_extra"
MODEL, STALE_LOCK, BUSY = "model_mismatch", "stale_lock", "busy"
SHOWN = 3  # problems named in the one-line summary; the rest are counted


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an index: its kind, and what exactly, in a sentence."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


@dataclass(frozen=True)
class Damage:
    """Where the manifest and the store disagree, by chunk id (by article where a row is concerned)."""

    stored: set[str]  # every chunk id in the store
    orphans: list[str]
    missing: dict[str, list[str]]
    mismatched: dict[str, list[str]]
    keywords: KeywordDamage = field(default_factory=KeywordDamage)  # keyword rows against the manifest's rows

    @property
    def broken(self) -> set[str]:
        """The articles whose rows cannot be trusted: some of their chunks are missing or hold other content."""
        return set(self.missing) | set(self.mismatched)

    def __len__(self) -> int:
        return len(self.orphans) + len(self.broken) + len(self.keywords)


def find_damage(entries: Mapping[str, Entry], store: ChunkStore | None) -> Damage:
    """Compare the manifest's rows with the chunks in ``store`` (None for a store never created).

    A chunk holds its article's content when it carries the content hash of
    a row; two rows never share one, as an article is indexed once.
    """
    stored = set(store.ids()) if store is not None else set()
    current = set(store.ids_of({e.content_hash for e in entries.values()})) if store is not None else set()
    expected: set[str] = set()
    missing: dict[str, list[str]] = {}
    mismatched: dict[str, list[str]] = {}
    for entry in entries.values():
        for chunk in entry.chunk_ids:
            expected.add(chunk)
            if chunk not in stored:
                missing.setdefault(entry.id, []).append(chunk)
            elif chunk not in current:
                mismatched.setdefault(entry.id, []).append(chunk)
    return Damage(stored, sorted(stored - expected), missing, mismatched)


@dataclass(frozen=True)
class Health:
    """What a check found: the index's size, the model it should be built with, and its problems."""

    articles: int
    chunks: int
    model: str
    problems: list[Problem]
    created: bool = True  # False where nothing was ever indexed (no manifest, no store)

    @property
    def ok(self) -> bool:
        return not self.problems

    def verdict(self) -> str:
        """The outcome in a sentence: consistent, with counts; or how many problems, and what to run."""
        if not self.created:
            return "There is no index here yet: nothing has been indexed with these settings (NEWSQA_DATA_DIR)."
        if self.ok:
            return f"The index is consistent: {self._counts()}."
        return f"{counted(len(self.problems), 'problem')} found{self._hint()}."

    def summary(self) -> str:
        """The outcome in one line with the first few problems named, for a log."""
        if self.ok:
            return f"consistent: {self._counts()}."
        named = " | ".join(map(str, self.problems[:SHOWN]))
        more = f" | and {len(self.problems) - SHOWN} more" if len(self.problems) > SHOWN else ""
        return f"{counted(len(self.problems), 'problem')} found: {named}{more}{self._hint()}."

    def _counts(self) -> str:
        articles, chunks = counted(self.articles, "article"), counted(self.chunks, "chunk")
        return f"{articles}, {chunks}, built with {self.model}, keyword index up to date"

    def _hint(self) -> str:
        them = "them" if len(self.problems) > 1 else "it"
        return f"; run `{REPAIR_HINT}` to mend {them}" if any(p.kind != BUSY for p in self.problems) else ""

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "articles": self.articles,
            "chunks": self.chunks,
            "model": self.model,
            "created": self.created,
            "problems": [p.as_dict() for p in self.problems],
        }


def check(database: Database, store: ChunkStore | None, *, model: str) -> Health:
    """Check an index against itself, changing nothing; ``store`` is None for a local store never created.

    ``database`` holds the manifest and the writer lock; ``model`` is the
    configured embedding model. A run that holds the writer lock, or writes
    while the check reads, makes the check report only that.
    """
    before = database.lock.status()
    if before.held:
        return Health(0, 0, model, [_busy("holds the writer lock", before.holder)])
    generation, entries, keywords = _read(database)
    damage = find_damage(entries, store)
    problems = [*_model_problems(store, model), *_damage_problems(damage, entries), *_keyword_problems(keywords)]
    if before.holder is not None:
        left = f"the writer lock's last holder ({before.holder}) ended without releasing it (killed or crashed)"
        problems.append(Problem(STALE_LOCK, f"{left}; what it left half done is listed here"))
    after = database.lock.status()
    if after.held or _read(database, rows=False)[0] != generation:
        return Health(0, 0, model, [_busy("wrote to the index while it was checked", after.holder)])
    created = generation is not None or bool(damage.stored)
    return Health(len(entries), len(damage.stored), model, problems, created)


@dataclass(frozen=True)
class _Keywords:
    """What the manifest says of its keyword rows."""

    complete: bool  # False for a manifest made by an earlier version, until an indexing run writes them
    damage: KeywordDamage


def _read(database: Database, *, rows: bool = True) -> tuple[int | None, dict[str, Entry], _Keywords]:
    """The manifest's generation (and rows, and keyword rows against them), through a reader of their own;
    None and none where no manifest was ever made."""
    manifest = database.reader()
    if manifest is None:
        return None, {}, _Keywords(True, KeywordDamage())
    try:
        if not rows:
            return manifest.generation, {}, _Keywords(True, KeywordDamage())
        keywords = _Keywords(manifest.keywords_complete, manifest.keyword_damage())
        return manifest.generation, manifest.entries(), keywords
    finally:
        manifest.close()


def _busy(what: str, holder: Holder | None) -> Problem:
    by = f" ({holder})" if holder else ""
    return Problem(BUSY, f"an indexing run{by} {what}; nothing else was checked: check again when it has finished")


def _model_problems(store: ChunkStore | None, model: str) -> list[Problem]:
    built = store.built_with if store is not None else None
    if built is None or built[0] == model:
        return []
    name, dimension = built
    found = f"{name or 'an unknown model'} ({dimension or '?'} dimensions)"
    why = "questions are refused until every article is embedded again"
    return [Problem(MODEL, f"the collection was built with {found}, not the configured {model}: {why}")]


def _damage_problems(damage: Damage, entries: Mapping[str, Entry]) -> list[Problem]:
    problems = []
    for kind, by_article, what in (
        (MISSING, damage.missing, "are missing from the store"),
        (MISMATCH, damage.mismatched, "hold another version of the article than the manifest records"),
    ):
        for article_id, chunks in sorted(by_article.items()):
            entry = entries[article_id]
            which = f"{len(chunks)} of its {entry.chunks} chunks"
            problems.append(Problem(kind, f"{entry.title!r} ({article_id}): {which} {what} (first: {chunks[0]})"))
    orphans: dict[str, list[str]] = defaultdict(list)
    for chunk in damage.orphans:
        orphans[article_of(chunk)].append(chunk)
    if orphans and not entries:  # one line, not one per article
        held = f"{counted(len(damage.orphans), 'chunk')} of {counted(len(orphans), 'article')}"
        why = "a first run killed midway, or a manifest lost or replaced"
        fix = "--repair removes them; indexing their sources again embeds them anew"
        return [*problems, Problem(ORPHANS, f"the manifest lists no article, yet the store holds {held} ({why}): "
                                            f"no answer cites them; {fix}")]
    for article_id, chunks in sorted(orphans.items()):
        which = f"{counted(len(chunks), 'stored chunk')} of {article_id}"
        problems.append(Problem(ORPHANS, f"{which} that no manifest row accounts for (first: {chunks[0]})"))
    return problems


def _keyword_problems(keywords: _Keywords) -> list[Problem]:
    problems = []
    missing = keywords.damage.missing
    if missing or not keywords.complete:
        chunks = sum(map(len, missing.values()))
        first = f" (first: {min(c for cs in missing.values() for c in cs)})" if chunks else ""
        which = f"{counted(chunks, 'chunk')} of {counted(len(missing), 'article')} have no keyword rows{first}"
        if not keywords.complete:
            which = f"the keyword index, not yet built for this index made by an earlier version: {which}"
            what = "questions are refused until an indexing run builds it"
        else:
            what = "keyword search misses them"
        problems.append(Problem(KEYWORD_MISSING, f"{which}: {what}"))
    if keywords.damage.extra:
        extra = keywords.damage.extra
        which = f"{counted(len(extra), 'keyword row')} of chunks that no manifest row lists (first: {extra[0]})"
        problems.append(Problem(KEYWORD_EXTRA, f"{which}: keyword search finds what is not indexed"))
    return problems
