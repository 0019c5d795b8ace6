"""The writer lock: one indexing run at a time per index, across processes.

The lock is a file lock, which the system releases when its holder dies. Beside
it the holder keeps a small record of who it is and since when, removed when
the lock is released: a record left behind says that a run was killed, and
one present while the lock is held says who is writing.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from index.errors import IndexBusyError

COMMAND_CHARS = 120  # of the holder's command line kept in its record


@dataclass(frozen=True)
class Holder:
    """Who took the writer lock, and when."""

    pid: int
    host: str
    command: str
    since: str

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}, `{self.command}`, since {self.since}"


@dataclass(frozen=True)
class LockStatus:
    """Whether a writer holds the lock now, and the record its last holder left, if any."""

    held: bool
    holder: Holder | None


def holder_path(lock: Path) -> Path:
    return lock.with_name(f"{lock.name}.json")


def read_holder(lock: Path) -> Holder | None:
    """The record beside ``lock``; None when there is none (or it cannot be read)."""
    try:
        return Holder(**json.loads(holder_path(lock).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def this_process() -> Holder:
    """The record of this process as the lock's holder, from now."""
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python"
    since = datetime.now(UTC).isoformat(timespec="seconds")
    return Holder(os.getpid(), socket.gethostname(), command[:COMMAND_CHARS], since)


def busy(holder: Holder | None, where: str) -> IndexBusyError:
    """The error a second writer gets: who holds the lock at ``where``, and what to do."""
    by = f" ({holder})" if holder else ""
    return IndexBusyError(
        f"the index is busy: another indexing run{by} holds {where}; wait for it to finish and try again"
    )


def _write_holder(lock: Path) -> None:
    staged = holder_path(lock).with_suffix(".tmp")
    staged.write_text(json.dumps(asdict(this_process())), encoding="utf-8")
    os.replace(staged, holder_path(lock))  # the lock is ours: no other writer stages at the same time


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time per index; a second fails at once rather than wait."""
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise busy(read_holder(path), str(path)) from None
    try:
        _write_holder(path)
        yield
    finally:
        holder_path(path).unlink(missing_ok=True)
        lock.release()


def lock_status(path: Path) -> LockStatus:
    """Whether the writer lock is held now, and by whom; creates nothing.

    Held is found by trying the lock for an instant, so an indexing run that
    starts in that very instant is refused as busy.
    """
    holder = read_holder(path)
    if not path.exists():
        return LockStatus(False, holder)
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return LockStatus(True, holder)
    lock.release()
    return LockStatus(False, holder)
