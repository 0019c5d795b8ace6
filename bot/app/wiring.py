"""Wiring: the index's parts built from settings, and what the open index says of itself (stats, articles)."""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass

from bot.app.settings import Settings
from index.embed.base import Embedder, load_embedder
from index.indexer import Indexer
from index.manifest import Entry
from index.pg import PostgresRecords
from index.read.http import FetchOptions
from index.records import Database, Records, SqliteRecords
from index.search import Retriever
from index.store import ChunkStore, StoreLocation, connect, drop_collection
from index.tables import Place


def store_location(settings: Settings) -> StoreLocation:
    if settings.chroma_host:
        return StoreLocation(host=settings.chroma_host, port=settings.chroma_port)
    return StoreLocation(path=settings.chroma_path)


def open_database(settings: Settings) -> Database:
    """Where the index's records live: the PostgreSQL database NEWSQA_DATABASE_URL names, else the data folder."""
    if settings.database_url is not None:
        return PostgresRecords(settings.database_url.get_secret_value(), store_name(settings))
    return SqliteRecords(settings.manifest_path, settings.lock_path)


def store_name(settings: Settings) -> str:
    """The chunk store and collection as records in PostgreSQL name the one they describe (a local folder with
    its host, which no other host shares)."""
    location = store_location(settings)
    where = str(location) if location.host else f"{socket.gethostname()}:{settings.chroma_path.resolve()}"
    return f"{where} (collection {settings.collection})"


@dataclass
class Stats:
    """Counts and configuration of an index."""

    articles: int
    chunks: int
    stored_chunks: int
    model: str
    store: str
    manifest: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def open_retriever(settings: Settings, indexer: Indexer) -> Retriever:
    """Search what ``indexer`` writes: the same store, manifest and model."""
    return Retriever(indexer.store, indexer.manifest, indexer.embedder)


def open_indexer(
    settings: Settings, embedder: Embedder | None = None, *, rebuild: bool = False, any_model: bool = False
) -> Indexer:
    """Open (or create) the index described by ``settings``.

    With ``rebuild``, the collection is dropped first, which is also the way
    out of a model mismatch; ``any_model`` opens a collection built with
    another model all the same, to be repaired.
    """
    embedder = embedder or load_embedder(
        settings.embedding_model, settings.model_cache, settings.embedding_backend, settings.embedding_precision
    )
    location = store_location(settings)
    client = connect(location)
    tables = small_tables(settings)  # the server's records taken from where earlier versions kept them first
    database = open_database(settings)
    manifest = database.open()
    if rebuild:
        with database.lock.hold():
            drop_collection(client, settings.collection)
            manifest.clear()
    store = ChunkStore(client, settings.collection, embedder.name, location, any_model=any_model)
    max_bytes = int(settings.max_file_mb * 1_000_000)
    return Indexer(
        store,
        manifest,
        embedder,
        lock=database.lock,
        legacy_keywords=settings.legacy_keyword_dir,
        max_file_bytes=max_bytes,
        fetch=FetchOptions(tables, settings.fetch_timeout, max_bytes=max_bytes,
                           legacy_cache=settings.fetch_cache_path),  # fmt: skip
    )


def small_tables(settings: Settings) -> Place:
    """Where the small tables beside the index's records live (follows, answer history, feed cache): the index's
    database, PostgreSQL or the manifest's file.

    Every opener of those tables asks here, so that a server's records kept
    where earlier versions kept them are moved to its own folder before
    anything creates a new manifest there (which would leave them behind for
    good).
    """
    _adopt_server_records(settings)
    url = settings.database_url.get_secret_value() if settings.database_url is not None else None
    return Place(settings.manifest_path, url)


def _adopt_server_records(settings: Settings) -> None:
    """Move a server's records from where earlier versions kept them (the data folder itself)
    to its own folder, when the data folder has no local store they could belong to."""
    if not settings.chroma_host or settings.index_dir.exists() or settings.chroma_path.exists():
        return
    legacy = settings.data_dir
    names = ["manifest.sqlite3", "manifest.sqlite3-wal", "manifest.sqlite3-shm", "keyword", "fetch.sqlite3"]
    if not (legacy / "manifest.sqlite3").is_file():
        return
    settings.index_dir.mkdir(parents=True)
    for name in names:
        if (legacy / name).exists():
            (legacy / name).rename(settings.index_dir / name)


def stats_of(indexer: Indexer) -> Stats:
    """Counts and configuration of the open index."""
    articles, chunks = indexer.manifest.totals()
    store = indexer.store
    return Stats(articles, chunks, store.count(), store.model, str(store.location), indexer.manifest.location)


@dataclass(frozen=True)
class SourceRow:
    """An indexed article as listed by ``sources``."""

    id: str
    title: str
    published_at: str | None
    source: str
    url: str
    chunks: int

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def list_sources(manifest: Records) -> list[SourceRow]:
    """Every indexed article, newest first."""
    return [_row(e) for e in manifest.entries().values()]


def _row(e: Entry) -> SourceRow:
    published = e.published_at.isoformat() if e.published_at else None
    return SourceRow(id=e.id, title=e.title, published_at=published, source=e.source, url=e.url or e.origin,
                     chunks=e.chunks)  # fmt: skip


@dataclass(frozen=True)
class StoryRow:
    """A story as listed by ``sources --stories``: its articles (newest first) and the days it was reported."""

    story_id: str
    title: str  # of its newest article
    first_published_at: str | None
    last_published_at: str | None
    outlets: list[str]
    articles: list[SourceRow]

    def as_dict(self) -> dict:
        return asdict(self)


def list_stories(retriever: Retriever) -> list[StoryRow]:
    """Every story of the index, the most recently reported first."""
    rows = []
    for story_id, entries in retriever.stories().items():
        articles = [_row(e) for e in entries]
        days = sorted(a.published_at for a in articles if a.published_at)
        outlets = list(dict.fromkeys(a.source for a in articles))
        first, last = (days[0], days[-1]) if days else (None, None)
        rows.append(StoryRow(story_id, articles[0].title, first, last, outlets, articles))
    return rows
