"""Moving the data folder's index records, follows, answer history and feed cache into PostgreSQL
(``newsqa migrate``), the vectors left where they are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.app import follows_db, history
from bot.app.settings import Settings
from bot.app.wiring import small_tables, store_location, store_name
from index.embed.bundled import model_name
from index.errors import NewsqaError
from index.indexer import Progress
from index.move import Moved, move
from index.pg import PostgresRecords, is_address
from index.read import http
from index.records import SqliteRecords
from index.store import ChunkStore, connect
from index.tables import PostgresTables, Tables, adopt, open_tables

__all__ = ["GOES_ALONG", "Moved", "move_index"]

# What else a move takes, to say so: the small tables kept beside the records.
GOES_ALONG = "the Discord follows and answer history and the feed cache go along"


def move_index(settings: Settings, to: str, progress: Progress | None = None) -> Moved:
    """Copy the data folder's records (manifest, sentence vectors, keyword rows, stories) into the PostgreSQL
    database at ``to``, for the same Chroma store; loading no embedding model, so nothing is embedded again."""
    if not is_address(to):
        raise NewsqaError("--to takes the address of a PostgreSQL database: postgresql://USER@HOST/DB")
    if settings.database_url is not None:
        raise NewsqaError(
            "NEWSQA_DATABASE_URL is set, so the index is in PostgreSQL already: "
            "unset it to move the data folder's index"
        )
    location = store_location(settings)
    if location.path is not None and not location.path.is_dir():
        raise NewsqaError(f"there is no index in {settings.data_dir} to move: nothing was ever indexed there")
    store = ChunkStore(connect(location), settings.collection, model_name(settings.embedding_model), location)
    source = SqliteRecords(settings.manifest_path, settings.lock_path)
    moved = move(source, store, PostgresRecords(to, store_name(settings)), progress)
    _move_tables(settings, PostgresTables(to))
    return moved


def _move_tables(settings: Settings, target: Tables) -> None:
    """The small tables kept in the manifest's file go along: the Discord follows (with the stories posted for
    them), the answer history and the feed cache; rows still in an earlier version's file are taken too."""
    tables: list[tuple[str, Path, Callable[[Tables, Tables], object]]] = [
        (follows_db.SCHEMA, settings.follows_path, follows_db.copy_follows),
        (history.SCHEMA, settings.history_path, history.copy_history),
        (http.SCHEMA, settings.fetch_cache_path, http.copy_responses),
    ]
    try:
        for schema, legacy, copy in tables:
            source = open_tables(small_tables(settings), schema)
            try:
                adopt(legacy, schema, source, copy)
                copy(source, target)
            finally:
                source.close()
    finally:
        target.close()
