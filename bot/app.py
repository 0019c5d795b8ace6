"""Wiring: builds the index's parts from settings, for the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings
from index import SAMPLES_DIR
from index.embed.base import Embedder, load_embedder
from index.indexer import Indexer
from index.lock import writer_lock
from index.manifest import Manifest
from index.read.http import FetchOptions
from index.report import IndexReport
from index.retrieval import Retriever
from index.store import ChunkStore, StoreLocation, connect, drop_collection


def store_location(settings: Settings) -> StoreLocation:
    if settings.chroma_host:
        return StoreLocation(host=settings.chroma_host, port=settings.chroma_port)
    return StoreLocation(path=settings.chroma_path)


@dataclass
class Stats:
    """Counts and configuration of an index, read without loading the model."""

    articles: int
    chunks: int
    stored_chunks: int
    model: str
    store: str
    manifest: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class Index:
    """The open index: one store, manifest and model shared by writing and searching."""

    indexer: Indexer
    retriever: Retriever

    def is_empty(self) -> bool:
        """No article to answer from, and nothing that indexing the samples could remove.

        In a local store, chunks without a manifest row were left by an
        interrupted run: they are never cited, and the next run removes them.
        On a server they may be kept by another data folder, so any chunk there
        counts.
        """
        if self.indexer.manifest.totals()[0]:
            return False
        return self.indexer.store.location.host is None or not self.indexer.store.count()

    def ensure_indexed(self, paths: list[Path | str] | None = None) -> IndexReport | None:
        """Index ``paths`` (default: the bundled sample articles) into an empty index; None if it was not empty."""
        if not self.is_empty():
            return None
        return self.indexer.index_paths(paths or [SAMPLES_DIR])


def open_index(settings: Settings, embedder: Embedder | None = None, *, rebuild: bool = False) -> Index:
    """Open the index for both indexing and asking."""
    indexer = open_indexer(settings, embedder, rebuild=rebuild)
    retriever = Retriever(indexer.store, indexer.manifest, indexer.embedder, settings.keyword_dir)
    return Index(indexer, retriever)


def open_indexer(settings: Settings, embedder: Embedder | None = None, *, rebuild: bool = False) -> Indexer:
    """Open (or create) the index described by ``settings``.

    With ``rebuild``, the collection is dropped first, which is also the way
    out of a model mismatch.
    """
    embedder = embedder or load_embedder(
        settings.embedding_model, settings.model_cache, settings.embedding_backend, settings.embedding_precision
    )
    location = store_location(settings)
    client = connect(location)
    _adopt_server_records(settings)
    manifest = Manifest(settings.manifest_path)
    if rebuild:
        with writer_lock(settings.lock_path):
            drop_collection(client, settings.collection)
            manifest.clear()
    store = ChunkStore(client, settings.collection, embedder.name, location)
    max_bytes = int(settings.max_file_mb * 1_000_000)
    return Indexer(
        store,
        manifest,
        embedder,
        lock_path=settings.lock_path,
        keyword_dir=settings.keyword_dir,
        max_file_bytes=max_bytes,
        fetch=FetchOptions(settings.fetch_cache_path, settings.fetch_timeout, max_bytes=max_bytes),
    )


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


def read_stats(settings: Settings) -> Stats:
    """Stats from the manifest and the collection's own record of its model."""
    location = store_location(settings)
    manifest = Manifest(settings.manifest_path)
    try:
        articles, chunks = manifest.totals()
    finally:
        manifest.close()
    client = connect(location)
    try:
        collection = client.get_collection(settings.collection)
        stored, model = collection.count(), (collection.metadata or {}).get("embedding_model", "unknown")
    except Exception:  # no collection yet: an empty index
        stored, model = 0, settings.embedding_model
    return Stats(articles, chunks, stored, str(model), str(location), str(settings.manifest_path))
