"""Damage planted in an index through its own store and manifest, and what an index holds, to compare before and after.

Each planting function leaves what a killed run, a lost file or a changed
setting would leave, and returns the id of the article it damaged.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from bot.app.settings import Settings
from bot.app.wiring import open_database, store_location
from index.articles import make_article
from index.chunking import chunk_id
from index.manifest import Entry
from index.store import connect


def collection(settings: Settings) -> Any:
    """The index's Chroma collection, opened directly, as another program would."""
    return connect(store_location(settings)).get_collection(settings.collection)


def victim(settings: Settings) -> Entry:
    """The article the damage is done to: the first with at least two chunks."""
    manifest = open_database(settings).open()
    try:
        return next(e for e in manifest.entries().values() if e.chunks >= 2)
    finally:
        manifest.close()


def delete_a_chunk(settings: Settings) -> str:
    """A chunk lost from the store (a store restored from an older copy, a deletion by hand)."""
    entry = victim(settings)
    collection(settings).delete(ids=[chunk_id(entry.id, 1)])
    return entry.id


def add_an_orphan_chunk(settings: Settings) -> str:
    """A chunk of an article no row lists, as a run killed before committing it leaves."""
    entry = victim(settings)
    found = collection(settings).get(ids=[chunk_id(entry.id, 0)], include=["embeddings", "documents", "metadatas"])
    orphan = f"file:{entry.origin}.gone"
    meta = {**found["metadatas"][0], "article_id": orphan}
    collection(settings).upsert(
        ids=[chunk_id(orphan, 0)], embeddings=found["embeddings"], documents=found["documents"], metadatas=[meta]
    )
    return orphan


def add_a_row_without_chunks(settings: Settings, origin: str | None = None) -> str:
    """A manifest row for chunks the store never received (from ``origin``, by default a file that is gone)."""
    article = make_article(text="A story whose chunks never reached the store.", origin=origin or "/gone/story.txt")
    manifest = open_database(settings).open()
    try:
        manifest.record(article, [article.text, article.text], [], np.zeros((0, 384), dtype=np.float32))
    finally:
        manifest.close()
    return article.id


def change_a_chunk_s_content(settings: Settings) -> str:
    """A chunk of another version of its article than the row records, as a run killed before the commit leaves."""
    entry = victim(settings)
    chunk = chunk_id(entry.id, 0)
    found = collection(settings).get(ids=[chunk], include=["embeddings", "documents", "metadatas"])
    edited = found["documents"][0] + " Update: officials gave new figures."
    meta = {**found["metadatas"][0], "content_hash": hashlib.sha256(edited.encode()).hexdigest()}
    collection(settings).update(ids=[chunk], embeddings=found["embeddings"], documents=[edited], metadatas=[meta])
    return entry.id


def _edit_manifest(settings: Settings, script: str, *params: object) -> None:
    """Change the manifest behind its back, as another program (or an earlier version) would."""
    db = sqlite3.connect(settings.manifest_path, isolation_level=None)
    try:
        if params:
            db.execute(script, params)
        else:
            db.executescript(script)
    finally:
        db.close()


def _edit_records(settings: Settings, sqlite: str, postgresql: str, *params: object) -> None:
    """Change the index's records behind their back, with the statement for the database they are in."""
    if settings.database_url is None:
        _edit_manifest(settings, sqlite, *params)
        return
    with psycopg.connect(settings.database_url.get_secret_value(), autocommit=True) as db:
        db.execute(postgresql, params)


def delete_a_keyword_row(settings: Settings) -> str:
    """A chunk whose keyword row is gone (a manifest edited by hand or by another program)."""
    entry = victim(settings)
    rows = "{} WHERE article_id = {} AND position = 1"
    _edit_records(
        settings, rows.format("DELETE FROM keyword_rows", "?"), rows.format("DELETE FROM chunks", "%s"), entry.id
    )
    return entry.id


def add_a_keyword_row(settings: Settings) -> str:
    """A keyword row of a chunk that no manifest row lists: an article's chunk past its last."""
    entry = victim(settings)
    sqlite = "INSERT INTO keyword_rows (article_id, position, stems) VALUES (?, ?, 'zygomorph orchid')"
    postgresql = "INSERT INTO chunks (article_id, position, stems, length) VALUES (%s, %s, 'zygomorph orchid', 2)"
    _edit_records(settings, sqlite, postgresql, entry.id, entry.chunks)
    return entry.id


def make_it_an_earlier_version_s(settings: Settings) -> str:
    """The index as an earlier version made it: no keyword table in the manifest, a saved keyword index beside it."""
    _edit_manifest(settings, "DROP TABLE keyword_index; DROP TABLE keyword_rows; DELETE FROM meta WHERE key = 'keywords'")
    saved = settings.legacy_keyword_dir / "gen-7-abc"
    saved.mkdir(parents=True)
    (saved / "ids.npy").write_bytes(b"saved by an earlier version")
    (settings.legacy_keyword_dir / "current.json").write_text('{"dir": "gen-7-abc", "stamp": 7}')
    return ""


def lose_the_records(settings: Settings) -> None:
    """The records lost, the store kept: the manifest file deleted, or the database's schema emptied (a database
    restored from before the index was made)."""
    if settings.database_url is None:
        settings.manifest_path.unlink()
        return
    with psycopg.connect(settings.database_url.get_secret_value(), autocommit=True) as db:
        (schema,) = db.execute("SELECT current_schema()").fetchone()  # type: ignore[misc]
        db.execute(f"DROP SCHEMA {schema} CASCADE")
        db.execute(f"CREATE SCHEMA {schema}")


def claim_another_model(settings: Settings) -> str:
    """A collection that says it was built with another model (the model setting changed since)."""
    meta = collection(settings).metadata
    collection(settings).modify(metadata={**meta, "embedding_model": "another/model"})
    return ""


def state(settings: Settings) -> dict[str, Any]:
    """All an index holds: every file of its records byte for byte, with its time, the rows of its records
    in PostgreSQL, and all its store holds.

    Left out: the files of a local Chroma store, into which Chroma writes its
    own bookkeeping whenever a client opens the store (as reading it here
    does), their content compared through the collection instead; and
    SQLite's shared-memory file (``-shm``), where every reader of a manifest
    that another connection has open marks what it reads.
    """
    files: dict[str, Any] = {}
    for path in sorted(settings.data_dir.rglob("*")):
        if path.is_file() and settings.chroma_path not in path.parents and not path.name.endswith("-shm"):
            files[str(path.relative_to(settings.data_dir))] = (_digest(path), path.stat().st_mtime_ns)
    held = collection(settings).get(include=["embeddings", "documents", "metadatas"])
    order = np.argsort(held["ids"])
    chunks = [
        (held["ids"][i], held["documents"][i], held["metadatas"][i], np.asarray(held["embeddings"][i]).tobytes())
        for i in order
    ]
    return {"files": files, "records": _tables(settings), "collection": collection(settings).metadata, "chunks": chunks}


def _tables(settings: Settings) -> dict[str, str]:
    """Each table of the records in PostgreSQL (none for those in the data folder's files): a digest of its rows."""
    if settings.database_url is None:
        return {}
    with psycopg.connect(settings.database_url.get_secret_value()) as db:
        names = [n for (n,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        digest = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} AS t"
        return {name: db.execute(digest.format(name)).fetchone()[0] for name in sorted(names)}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
