"""The commands that build and inspect the index: ``index``, ``watch``, ``sources``, ``stats``."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Column, Table

from bot.app.health import startup_check
from bot.app.service import Service, Source, configured_sources
from bot.app.settings import Settings
from bot.app.watch import Round
from bot.app.watch import watch as run_schedule
from bot.cli.console import JsonFlag, edge, err, out, progress_bar
from bot.core import SAMPLES_DIR, IndexReport, counted


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
    locations = locations or []
    if not locations:
        locations = [str(s.location) for s in configured_sources(settings)]
        if not as_json:
            named = "the bundled sample articles in" if locations == [str(SAMPLES_DIR)] else "the configured sources:"
            err.print(f"No sources given: indexing {named} {', '.join(locations)}")
    service = Service(settings, rebuild=rebuild)
    with progress_bar(not as_json and err.is_terminal) as progress:
        report = service.index(locations, prune=prune, progress=progress)
    if as_json:
        out.print_json(data=report.as_dict())
    else:
        for line in report.problems():
            err.print(escape(line))
        out.print(report.summary())
    raise typer.Exit(1 if report.failed else 0)


@edge
def watch() -> None:
    """Re-index the configured sources, each at its refresh interval, until Ctrl-C or SIGTERM."""
    settings = Settings()
    sources = configured_sources(settings)
    err.print(escape(startup_check(settings)[1]))
    service = Service(settings)
    stop = threading.Event()

    def stop_after_round(signum: int, frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        stop.set()
        err.print("Stopping after the current round (Ctrl-C again to stop at once).")

    signal.signal(signal.SIGINT, stop_after_round)
    signal.signal(signal.SIGTERM, stop_after_round)
    out.print(f"Watching {counted(len(sources), 'source')}; Ctrl-C stops.")

    def stamped(text: str) -> str:
        return f"{datetime.now():%Y-%m-%d %H:%M:%S}  {escape(text)}"

    def report(done: Round) -> None:
        out.print(stamped(done.summary()))

    def reindex(due: list[Source]) -> IndexReport:
        err.print(stamped(f"re-indexing {', '.join(map(str, due))}"))
        return service.reindex(sources=due)

    try:
        run_schedule(sources, reindex, report, stop)
    except KeyboardInterrupt:
        out.print("Interrupted: the next run finishes or repairs what this round left half done.")
    out.print("Stopped watching.")


@edge
def sources(
    stories: Annotated[
        bool, typer.Option("--stories", help="List stories (articles reporting the same news) with their outlets.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """List the indexed articles, newest first (or their stories, the most recently reported first)."""
    if stories:
        _list_stories(as_json)
        return
    rows = [row.as_dict() for row in Service(Settings()).sources()]
    if as_json:
        out.print_json(data=rows)
        return
    table = Table("date", "title", "source", "chunks", box=None)
    for row in rows:
        table.add_row(row["published_at"] or "-", escape(row["title"]), escape(row["source"]), str(row["chunks"]))
    if rows:
        out.print(table)
    out.print(f"{counted(len(rows), 'article')} indexed.")


def _list_stories(as_json: bool) -> None:
    rows = Service(Settings()).stories()
    if as_json:
        out.print_json(data=[row.as_dict() for row in rows])
        return
    table = Table(Column("dates", no_wrap=True), "title", "outlets", "articles", box=None)
    for row in rows:
        days = " to ".join(dict.fromkeys(d for d in (row.first_published_at, row.last_published_at) if d)) or "-"
        table.add_row(days, escape(row.title), escape(", ".join(row.outlets)), str(len(row.articles)))
    if rows:
        out.print(table)
    articles = sum(len(row.articles) for row in rows)
    stories = f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'}"
    out.print(f"{stories} in {counted(articles, 'article')}.")


@edge
def stats(as_json: JsonFlag = False) -> None:
    """Show how many articles and chunks are indexed, with which model, where."""
    result = Service(Settings()).stats()
    if as_json:
        out.print_json(data=result.as_dict())
        return
    out.print(f"articles: {result.articles}")
    out.print(f"chunks:   {result.chunks}")
    out.print(f"model:    {result.model}")
    out.print(f"store:    {result.store}")
    out.print(f"manifest: {result.manifest}")
