"""The commands that build and inspect the index: ``index``, ``watch``, ``sources``, ``stats``."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.app import open_indexer, read_stats
from bot.console import JsonFlag, app, edge, err, out, progress_bar
from bot.service import configured_sources, list_sources
from bot.settings import Settings
from bot.watch import Round
from bot.watch import watch as run_schedule
from index import SAMPLES_DIR
from index.manifest import Manifest
from index.read.http import is_url
from index.read.sources import Source
from index.report import IndexReport


@app.command()
@edge
def index(
    locations: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE...",
            help="Article files or folders (searched recursively), RSS/Atom feed or web page addresses. "
            "Default: the sources file and NEWSQA_SOURCES, else the bundled samples.",
            show_default=False,
        ),
    ] = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove indexed articles whose files are gone or that left their feed.")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Empty the index first (needed after changing the embedding model).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Index articles: .txt, .md, .html and .jsonl files, feeds and pages; only new and changed ones are embedded."""
    settings = Settings()
    paths: list[Path | str] = [x if is_url(x) else Path(x) for x in locations or []]
    if not paths:
        configured = configured_sources(settings)
        paths = [s.location for s in configured]
        if not as_json:
            named = "the bundled sample articles in" if paths == [SAMPLES_DIR] else "the configured sources:"
            err.print(f"No sources given: indexing {named} {', '.join(map(str, paths))}")
    indexer = open_indexer(settings, rebuild=rebuild)
    with progress_bar(not as_json and err.is_terminal) as progress:
        report = indexer.index_paths(paths, prune=prune, progress=progress)
    if as_json:
        out.print_json(data=report.as_dict())
    else:
        for failure in report.failed:
            err.print(f"failed: {escape(failure.path)}: {escape(failure.reason)}")
        out.print(report.summary())
    raise typer.Exit(1 if report.failed else 0)


@app.command()
@edge
def watch() -> None:
    """Re-index the configured sources, each at its refresh interval, until Ctrl-C or SIGTERM."""
    settings = Settings()
    sources = configured_sources(settings)
    indexer = open_indexer(settings)
    stop = threading.Event()

    def stop_after_round(signum: int, frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        stop.set()
        err.print("Stopping after the current round (Ctrl-C again to stop at once).")

    signal.signal(signal.SIGINT, stop_after_round)
    signal.signal(signal.SIGTERM, stop_after_round)
    out.print(f"Watching {len(sources)} source{'' if len(sources) == 1 else 's'}; Ctrl-C stops.")

    def stamped(text: str) -> str:
        return f"{datetime.now():%Y-%m-%d %H:%M:%S}  {escape(text)}"

    def report(done: Round) -> None:
        out.print(stamped(done.summary()))

    def reindex(due: list[Source]) -> IndexReport:
        err.print(stamped(f"re-indexing {', '.join(map(str, due))}"))
        return indexer.index_paths([s.location for s in due])

    try:
        run_schedule(sources, reindex, report, stop)
    except KeyboardInterrupt:
        out.print("Interrupted: the next run finishes or repairs what this round left half done.")
    out.print("Stopped watching.")


@app.command()
@edge
def sources(as_json: JsonFlag = False) -> None:
    """List the indexed articles, newest first."""
    manifest = Manifest(Settings().manifest_path)
    try:
        rows = [row.as_dict() for row in list_sources(manifest)]
    finally:
        manifest.close()
    if as_json:
        out.print_json(data=rows)
        return
    table = Table("date", "title", "source", "chunks", box=None)
    for row in rows:
        table.add_row(row["published_at"] or "-", escape(row["title"]), escape(row["source"]), str(row["chunks"]))
    if rows:
        out.print(table)
    out.print(f"{len(rows)} article{'' if len(rows) == 1 else 's'} indexed.")


@app.command()
@edge
def stats(as_json: JsonFlag = False) -> None:
    """Show how many articles and chunks are indexed, with which model, where."""
    result = read_stats(Settings())
    if as_json:
        out.print_json(data=result.as_dict())
        return
    out.print(f"articles: {result.articles}")
    out.print(f"chunks:   {result.chunks}")
    out.print(f"model:    {result.model}")
    out.print(f"store:    {result.store}")
    out.print(f"manifest: {result.manifest}")
