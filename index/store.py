"""The chunk store: a Chroma collection, embedded on disk or on a Chroma server.

The collection records which embedding model (and dimension) filled it, and
refuses to be opened with another: vectors from two models are not comparable,
and mixing them would silently wreck retrieval.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from index.errors import ModelMismatchError, StoreUnavailableError
from index.reaching import reaching, read_again_if_raced

REBUILD_HINT = "newsqa index --rebuild PATH..."
# HNSW's ef, the candidates explored per query. Dev set (18,357 chunks): Chroma's default, 100, found 97% of the 80
# nearest chunks, missing some by process (answers changed with a restart); 400 finds 99.8%, alike in every process.
SEARCH_EF = 400
HASHES_PER_QUERY = 500  # content hashes in one filtered read: far below SQLite's limit on a statement's variables
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreLocation:
    """Where the store lives: a folder, or a Chroma server."""

    path: Path | None = None
    host: str | None = None
    port: int = 8000

    def __str__(self) -> str:
        return f"chroma://{self.host}:{self.port}" if self.host else str(self.path)


@dataclass(frozen=True)
class Hit:
    """A stored chunk returned by a search, with its cosine distance."""

    id: str
    text: str
    metadata: dict[str, Any]
    distance: float

    @classmethod
    def of(cls, id_: str, document: str | None, metadata: Any, distance: float) -> Hit:
        """From Chroma's columns, where a missing document or metadata comes back as None."""
        return cls(id_, document or "", dict(metadata or {}), distance)


def connect(location: StoreLocation) -> ClientAPI:
    """Open a Chroma client with telemetry off."""
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if location.host:
            return chromadb.HttpClient(host=location.host, port=location.port, settings=settings)
        assert location.path is not None
        location.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(location.path), settings=settings)
    except Exception as exc:  # chromadb raises plain Exception/ValueError for both
        raise StoreUnavailableError(f"cannot open the Chroma store at {location}: {exc}") from exc


def drop_collection(client: ClientAPI, name: str) -> None:
    """Delete a collection and all its chunks; absent is fine."""
    if name in {c if isinstance(c, str) else c.name for c in client.list_collections()}:
        client.delete_collection(name)


class ChunkStore:
    """One collection of chunks, all embedded with one model.

    The collection is created on the first write, when the embedding
    dimension is known; until then the store reads as empty. ``model`` is the
    model its chunks are written with; a collection built with another is
    refused, unless ``any_model`` opens it to be inspected (or rebuilt): its
    chunks can then be read and removed, but none written until :meth:`reset`.
    """

    def __init__(
        self,
        client: ClientAPI,
        collection: str,
        model: str,
        location: StoreLocation | None = None,
        *,
        any_model: bool = False,
    ) -> None:
        self._client = client
        self.location = location
        self.model = model
        self._name = collection
        self._any_model = any_model
        self._batch = max(1, min(client.get_max_batch_size(), 5000))
        self._collection: Any = None
        self._found()

    @property
    def built_with(self) -> tuple[str | None, int | None] | None:
        """The model (and dimension) the collection records it was built with; None before the first write."""
        if self._collection is None:
            return None
        meta = self._collection.metadata or {}
        return meta.get("embedding_model"), meta.get("dimension")

    @reaching
    def reset(self) -> None:
        """Drop the collection and every chunk in it, to be built again with :attr:`model` by the next write."""
        drop_collection(self._client, self._name)
        self._collection = None

    def _check(self, meta: dict, dimension: int | None) -> None:
        found_model, found_dim = meta.get("embedding_model"), meta.get("dimension")
        if found_model != self.model or (dimension is not None and found_dim != dimension):
            raise ModelMismatchError(
                f"the index {self._name!r} was built with {found_model or 'an unknown model'} "
                f"({found_dim or '?'} dimensions), not {self.model}"
                + (f" ({dimension} dimensions)" if dimension else "")
                + f"; rebuild it with: {REBUILD_HINT}"
            )

    def _found(self) -> Any:
        """The collection, or None while there is none: looked up again until there is, since another process or
        indexer may create it after this store was opened (by indexing into an empty data folder)."""
        if self._collection is None:
            try:
                collection = self._client.get_collection(self._name)
            except NotFoundError:
                return None
            except Exception as exc:
                raise StoreUnavailableError(f"cannot open collection {self._name!r} at {self.location}: {exc}") from exc
            if not self._any_model:
                self._check(collection.metadata or {}, dimension=None)
            self._collection = _searching_wide(collection)
        return self._collection

    def _writable(self, dimension: int) -> Any:
        if self._collection is None:
            self._collection = self._client.get_or_create_collection(
                self._name,
                metadata={"embedding_model": self.model, "dimension": dimension},
                configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
                embedding_function=None,
            )
            self._collection = _searching_wide(self._collection)
        self._check(self._collection.metadata or {}, dimension)
        return self._collection

    @reaching
    def count(self) -> int:
        collection = self._found()
        return collection.count() if collection is not None else 0

    @reaching
    def upsert(
        self, ids: Sequence[str], embeddings: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict]
    ) -> None:
        collection = self._writable(int(embeddings.shape[1]))
        for i in range(0, len(ids), self._batch):
            j = i + self._batch
            collection.upsert(
                ids=list(ids[i:j]),
                embeddings=embeddings[i:j],
                documents=list(texts[i:j]),
                metadatas=list(metadatas[i:j]),
            )

    @reaching
    def delete(self, ids: Sequence[str]) -> None:
        if self._found() is None:
            return
        for i in range(0, len(ids), self._batch):
            self._collection.delete(ids=list(ids[i : i + self._batch]))

    def ids(self) -> Iterator[str]:
        """Every chunk id in the store, page by page."""
        for page in self._pages(include=[]):
            yield from page["ids"]

    def ids_of(self, content_hashes: Collection[str]) -> Iterator[str]:
        """The ids of the chunks cut from articles with these content hashes.

        Filtered by the store, ids only: reading every chunk's metadata instead
        took 9 s for 40,680 chunks on two CPU cores, this 0.5 s.
        """
        hashes = sorted(content_hashes)
        for i in range(0, len(hashes), HASHES_PER_QUERY):
            where = {"content_hash": {"$in": hashes[i : i + HASHES_PER_QUERY]}}
            for page in self._pages(include=[], where=where):
                yield from page["ids"]

    def chunks(self) -> Iterator[Hit]:
        """Every chunk with its text and metadata (distance 0), page by page."""
        for page in self._pages(include=["documents", "metadatas"]):
            for id_, doc, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                yield Hit.of(id_, doc, meta, 0.0)

    @reaching
    @read_again_if_raced
    def get(self, ids: Sequence[str], query: np.ndarray | None = None) -> list[Hit]:
        """The chunks with these ids, in the order asked (missing ones left out).

        With ``query``, each hit's distance is its cosine distance to it; else 0.
        """
        if not ids or self._found() is None:
            return []
        include = ["documents", "metadatas"] + (["embeddings"] if query is not None else [])
        res = self._collection.get(ids=list(ids), include=include)
        vectors = res["embeddings"] if query is not None else [None] * len(res["ids"])
        found = {
            id_: Hit.of(id_, doc, meta, 0.0 if vec is None else 1.0 - float(np.dot(vec, query)))
            for id_, doc, meta, vec in zip(res["ids"], res["documents"], res["metadatas"], vectors)
        }
        return [found[i] for i in ids if i in found]

    @reaching
    @read_again_if_raced
    def nearest(self, ids: Sequence[str], query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` chunks among ``ids`` most similar to ``query``, best first, as (id, cosine distance) pairs.

        Quicker than a search with a ``where`` filter when few chunks are
        admitted: their vectors are compared with the query directly.
        """
        if not ids or k <= 0 or self._found() is None:
            return []
        res = self._collection.get(ids=list(ids), include=["embeddings"])
        if not res["ids"]:
            return []
        similarity = np.asarray(res["embeddings"], dtype=np.float32) @ query
        return [(res["ids"][i], 1.0 - float(similarity[i])) for i in np.argsort(-similarity, kind="stable")[:k]]

    def _pages(self, include: list, where: dict | None = None) -> Iterator[dict]:
        if self._found() is None:
            return
        offset = 0
        while True:
            page = self._page(include, offset, where)
            yield page
            if len(page["ids"]) < self._batch:
                return
            offset += len(page["ids"])

    @reaching
    def _page(self, include: list, offset: int, where: dict | None) -> dict:
        return self._collection.get(include=include, where=where, limit=self._batch, offset=offset)

    @reaching
    @read_again_if_raced
    def closest(self, embedding: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """The ``k`` chunks nearest to ``embedding``, nearest first, as (id, cosine distance) pairs; ``where``
        filters on metadata.

        Only ids and distances: reading the texts and metadata of every
        candidate cost more than the search itself (80 candidates: 7 ms against
        1 ms), and a search keeps only the few best after fusion.
        """
        if k <= 0 or self._found() is None:
            return []
        res = self._collection.query(query_embeddings=[embedding], n_results=k, where=where, include=["distances"])
        return [(id_, float(dist)) for id_, dist in zip(res["ids"][0], res["distances"][0])]

    def query(self, embedding: np.ndarray, k: int, where: dict | None = None) -> list[Hit]:
        """The ``k`` chunks nearest to ``embedding``, nearest first, with their texts and metadata."""
        distances = dict(self.closest(embedding, k, where))
        return [replace(hit, distance=distances[hit.id]) for hit in self.get(list(distances))]


def _searching_wide(collection: Any) -> Any:
    """``collection``, raised to ``SEARCH_EF`` if an earlier version made it with less (kept with it, for all)."""
    hnsw = (collection.configuration or {}).get("hnsw") or {}
    if hnsw.get("ef_search", SEARCH_EF) < SEARCH_EF:
        try:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
        except Exception as exc:  # a server this client may only read: searching works, with the old setting
            log.warning("collection %r searches with its old ef_search: %s", collection.name, exc)
    return collection
