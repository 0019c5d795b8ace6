"""Moving the data folder's index records into PostgreSQL (``newsqa migrate``), the vectors left where they are."""

from __future__ import annotations

from bot.app.follows_db import PostgresFollows, SqliteFollows, copy_follows
from bot.app.settings import Settings
from bot.app.wiring import store_location, store_name
from index.embed.bundled import model_name
from index.errors import NewsqaError
from index.indexer import Progress
from index.move import Moved, move
from index.pg import PostgresRecords, is_address, migrated_pool
from index.records import SqliteRecords
from index.store import ChunkStore, connect

__all__ = ["Moved", "STAYS", "move_index"]

# What the data folder keeps after a move, to say so: each host has its own.
STAYS = "the Discord history and the feed cache stay in the data folder (the follows go along)"


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
    _move_follows(settings, to)
    return moved


def _move_follows(settings: Settings, to: str) -> None:
    """The Discord follows and the stories posted for them, kept in the manifest's file, go along."""
    source, target = SqliteFollows(settings.manifest_path), PostgresFollows(migrated_pool(to))
    try:
        copy_follows(source, target)
    finally:
        source.close()
        target.close()
