"""The writer lock: one indexing run at a time per index, across processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from index.errors import IndexBusyError


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time per index; a second fails at once rather than wait."""
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexBusyError(
            f"the index is busy: another indexing run holds {path}; wait for it to finish and try again"
        ) from None
    try:
        yield
    finally:
        lock.release()
