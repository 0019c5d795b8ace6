"""Re-indexing on schedule: each source is re-read when its refresh interval has passed.

The same loop serves ``newsqa watch`` and the Discord bot (``DISCORD_WATCH``),
which runs it in a thread beside the gateway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from index.errors import NewsqaError
from index.read.sources import Schedule, Source
from index.report import IndexReport

log = logging.getLogger(__name__)

LONGEST_NAP = 300.0  # seconds; the loop wakes at least this often


@dataclass(frozen=True)
class Round:
    """One scheduled run: which sources were due, and what re-indexing them did or why it failed."""

    sources: list[Source]
    report: IndexReport | None
    error: str | None = None

    def summary(self) -> str:
        names = ", ".join(map(str, self.sources))
        if self.report is None:
            return f"{names}: not re-indexed: {self.error}"
        problems = "".join(f"\n  {line}" for line in self.report.problems())
        return f"{names}: {self.report.summary()}{problems}"


def watch(
    sources: list[Source],
    reindex: Callable[[list[Source]], IndexReport],
    on_round: Callable[[Round], None],
    stop: threading.Event,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Re-index due sources until ``stop`` is set; a failing round is reported and the schedule goes on.

    Every source is due at the start. A round that fails (the index busy with
    another writer, the store unreachable) is tried again at the sources' next
    interval, so a broken store is not hammered.
    """
    schedule = Schedule(sources)
    while not stop.is_set():
        due = schedule.due(clock())
        if due:
            on_round(_run(due, reindex))
            schedule.done(due, clock())
        stop.wait(min(schedule.wait(clock()), LONGEST_NAP))


def _run(due: list[Source], reindex: Callable[[list[Source]], IndexReport]) -> Round:
    try:
        return Round(due, reindex(due))
    except NewsqaError as exc:
        return Round(due, None, str(exc))
    except Exception as exc:  # a bug must not end the schedule; it goes to the log
        log.exception("scheduled re-indexing failed")
        return Round(due, None, f"unexpected error: {exc!r}")
