"""An indexing run in a process of its own, announcing every write, for the crash tests to kill.

Usage: python -m tests.index.indexing_child DATA_DIR FOLDER
Prints one line per store or manifest write, flushed, so that the parent can
kill the process right after any chosen write.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bot.app.settings import Settings
from bot.app.wiring import open_indexer
from index import indexer as indexer_module
from tests.fakes import HashEmbedder

STORE_BATCH = 4  # small batches: many writes, many places to be killed
EMBED_BATCH = 8  # chunks embedded, then written, together: a few articles at a time
KEYWORD_BATCH = 8  # keyword rows an earlier version's index lacks, written a few articles at a time


def announcing(name: str, method: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        print(name, flush=True)
        return result

    return wrapper


def main(data_dir: str, folder: str) -> None:
    indexer = open_indexer(Settings(NEWSQA_DATA_DIR=Path(data_dir)), HashEmbedder())
    indexer.store._batch = STORE_BATCH
    indexer_module.EMBED_BATCH = EMBED_BATCH
    indexer_module.KEYWORD_BATCH = KEYWORD_BATCH
    for name in ("upsert", "delete"):
        setattr(indexer.store, name, announcing(name, getattr(indexer.store, name)))
    for name in ("record", "forget", "write_keywords", "mark_keywords_complete"):
        setattr(indexer.manifest, name, announcing(name, getattr(indexer.manifest, name)))
    report = indexer.index_paths([Path(folder)], prune=True)
    print("done", report.summary(), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
