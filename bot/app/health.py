"""Checking and repairing the configured index, and the line the long-running front ends log when they start."""

from __future__ import annotations

import logging

from bot.app.settings import Settings
from bot.app.wiring import open_database, open_indexer, store_location
from index.embed.base import Embedder
from index.embed.bundled import model_name
from index.errors import NewsqaError
from index.health import Health, check
from index.indexer import Progress
from index.repair import Repair, repair
from index.store import ChunkStore, connect

__all__ = ["Health", "Repair", "check_index", "repair_index", "startup_check"]

log = logging.getLogger(__name__)


def check_index(settings: Settings) -> Health:
    """Check the index ``settings`` describe, changing nothing on disk and loading no embedding model."""
    location = store_location(settings)
    model = model_name(settings.embedding_model)
    store = None
    if location.host or (location.path is not None and location.path.is_dir()):  # else never created: empty
        store = ChunkStore(connect(location), settings.collection, model, location, any_model=True)
    return check(open_database(settings), store, model=model)


def repair_index(settings: Settings, embedder: Embedder | None = None, progress: Progress | None = None) -> Repair:
    """Mend what :func:`check_index` finds, under the writer lock (IndexBusyError when a run holds it)."""
    indexer = open_indexer(settings, embedder, any_model=True)
    try:
        return repair(indexer, progress)
    finally:
        indexer.manifest.close()


def startup_check(settings: Settings) -> tuple[bool, str]:
    """Whether the index is healthy, and the line saying so (or naming its problems and what to run)."""
    try:
        health = check_index(settings)
    except NewsqaError as exc:
        return False, f"Index check failed: {exc}"
    except Exception as exc:  # the check only advises: a bug in it must not keep the bot from starting
        log.exception("the index check failed")
        return False, f"Index check failed: unexpected error: {exc!r}"
    return health.ok, f"Index check: {health.summary()}"
