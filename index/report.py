"""What an indexing run did: the articles added, updated, unchanged and removed, what failed, what was
indexed with a warning, and a summary.

It is what users are told after each run, by the command line, the watcher
and the Discord bot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.read.files import SUPPORTED_SUFFIXES, Failure
from index.wording import counted


@dataclass
class IndexReport:
    """What an indexing run did. ``chunks`` counts chunks embedded in this run.

    ``failed`` lists what was not indexed; ``warnings`` what was indexed, but not
    as it stood (a feed entry's summary for its page that failed, an article
    whose date could not be read).
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)
    chunks: int = 0
    downloaded: int = 0
    not_modified: int = 0
    passed_over: int = 0  # files in the folders given that are of no supported type

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
            f"{self.removed} removed",
            f"{len(self.failed)} failed",
        ]
        if self.warnings:
            parts.append(counted(len(self.warnings), "warning"))
        fetched = ""
        if self.downloaded or self.not_modified:
            fetched = f"; {self.downloaded} downloaded, {self.not_modified} not modified since last time"
        others = ""
        if self.passed_over:
            kinds = "/".join(sorted(SUPPORTED_SUFFIXES))
            others = f"; {counted(self.passed_over, 'other file')} passed over (not {kinds})"
        return f"Indexed: {', '.join(parts)}; {counted(self.chunks, 'chunk')} embedded{fetched}{others}."

    def problems(self) -> list[str]:
        """One line for each failure and warning, as ``failed: PATH: REASON`` or ``warning: PATH: REASON``."""
        return [f"failed: {f.path}: {f.reason}" for f in self.failed] + [
            f"warning: {w.path}: {w.reason}" for w in self.warnings
        ]
