"""The ``newsqa`` command line.

Exit status: 0 on success, 1 when some inputs failed or the command could not
be carried out, 2 for usage errors.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.answer import Answer, answer
from bot.app import Index, open_index, open_indexer, read_stats
from bot.evaluate import KEYS, evaluate, read_jsonl, write_report
from bot.history import History
from bot.llm import writer_from_settings
from bot.news import timeline as news_timeline
from bot.service import configured_sources, list_sources
from bot.settings import Settings
from bot.watch import Round
from bot.watch import watch as run_schedule
from index import SAMPLES_DIR
from index.errors import NewsqaError
from index.fetch import is_url
from index.filters import Filter
from index.manifest import Manifest

app = typer.Typer(
    help="Answers questions about news articles, citing the passages it used.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Pages without an article are reported as failures; the extractor's own complaints add nothing.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    app()


def _edge(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the core's errors into one line on stderr and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NewsqaError as exc:
            err.print(f"error: {escape(str(exc))}")
            raise typer.Exit(1) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            name = ".".join(str(p) for p in first["loc"]) or "settings"
            err.print(f"error: invalid setting {name}: {first['msg']} (check the environment and .env)")
            raise typer.Exit(2) from None

    return wrapper


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr, one task per phase; silent when disabled."""
    if not enabled:
        yield lambda phase, done, total: None
        return
    bar = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done, total=total)

    with bar:
        yield update


@app.command()
@_edge
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
    with _progress(not as_json and err.is_terminal) as progress:
        report = indexer.index_paths(paths, prune=prune, progress=progress)
    if as_json:
        out.print_json(data=report.as_dict())
    else:
        for failure in report.failed:
            err.print(f"failed: {escape(failure.path)}: {escape(failure.reason)}")
        out.print(report.summary())
    raise typer.Exit(1 if report.failed else 0)


@app.command()
@_edge
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

    def report(done: Round) -> None:
        out.print(f"{datetime.now():%Y-%m-%d %H:%M:%S}  {escape(done.summary())}")

    try:
        run_schedule(sources, lambda due: indexer.index_paths([s.location for s in due]), report, stop)
    except KeyboardInterrupt:
        out.print("Interrupted: the next run finishes or repairs what this round left half done.")
    out.print("Stopped watching.")


def _open_for_asking(settings: Settings, quiet: bool) -> Index:
    """Open the index; an empty one first gets the configured sources (or the samples), so a first question works."""
    opened = open_index(settings)
    if opened.is_empty():
        paths = [s.location for s in configured_sources(settings)]
        if not quiet:
            named = f"the bundled sample articles in {SAMPLES_DIR}" if paths == [SAMPLES_DIR] else "the configured sources"
            err.print(f"The index is empty: indexing {named} first.")
        report = opened.indexer.index_paths(paths)
        for failure in report.failed:
            err.print(f"failed: {escape(failure.path)}: {escape(failure.reason)}")
        if opened.is_empty():
            raise NewsqaError("nothing could be indexed, so there is nothing to answer from; see the failures above")
    return opened


def _print_answer(result: Answer) -> None:
    out.print(escape(result.answer))
    if result.note:
        out.print(escape(result.note), style="dim")
    if not result.citations:
        return
    out.print(f"\nSources (articles up to {result.as_of or 'an unknown date'}):")
    for c in result.citations:
        meta = " · ".join(x for x in (c.published_at or "undated", c.source) if x)
        out.print(f"[{c.n}] [bold]{escape(c.title)}[/bold] ({escape(meta)})")
        out.print(f"    {escape(c.url)}", style="dim")
        out.print(f"    {escape(_quoted(c.text))}")


def _quoted(text: str) -> str:
    """Text in quotation marks, unless it is itself one quotation."""
    text = " ".join(text.split())
    return text if text.startswith(("“", '"')) and text.endswith(("”", '"')) else f"“{text}”"


SourceOption = Annotated[
    str | None, typer.Option("--source", help="Only articles from this source, e.g. cnn or cnn.com.")
]
SinceOption = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only articles published on or after this day.")
]
UntilOption = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only articles published on or before this day.")
]


def _filter(source: str | None, since: datetime | None, until: datetime | None) -> Filter:
    return Filter((source,) if source else (), since.date() if since else None, until.date() if until else None)


@app.command()
@_edge
def ask(
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="The question, as you would ask a person.")],
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Answer a question from the indexed articles, citing the passages used.

    Dates and sources named in the question ("this week", "in January 2024",
    "according to CNN") restrict it too.
    """
    if not question.strip():
        raise typer.BadParameter("the question is empty", param_hint="QUESTION")
    settings = Settings()
    opened = _open_for_asking(settings, quiet=as_json)
    where = _filter(source, since, until)
    result = answer(question, opened.retriever, writer_from_settings(settings), where=where)
    if as_json:
        out.print_json(data=result.as_dict())
    else:
        _print_answer(result)


@app.command()
@_edge
def timeline(
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="What the timeline is about.")],
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The dated claims about a topic across the indexed articles, oldest first."""
    settings = Settings()
    opened = _open_for_asking(settings, quiet=as_json)
    events = news_timeline(opened.retriever, topic, _filter(source, since, until) or None)
    if as_json:
        out.print_json(data={"topic": topic, "events": [e.as_dict() for e in events]})
        return
    for e in events:
        out.print(f"[bold]{e.published_at or 'undated'}[/bold]  {escape(e.source)}: {escape(e.title)}")
        out.print(f"    {escape(_quoted(e.text))}")
        out.print(f"    {escape(e.url)}", style="dim")
    out.print(f"{len(events)} article{'' if len(events) == 1 else 's'} about “{escape(topic)}”.")


@app.command()
@_edge
def chat() -> None:
    """Ask questions one after another (an empty line or Ctrl-D ends)."""
    settings = Settings()
    opened = _open_for_asking(settings, quiet=False)
    writer = writer_from_settings(settings)
    out.print("Ask about the indexed news; an empty line ends.")
    while True:
        try:
            question = input("? ").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if not question:
            break
        _print_answer(answer(question, opened.retriever, writer))
        out.print()


@app.command("eval")
@_edge
def eval_command(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder with articles.jsonl, questions.jsonl (and unanswerable.jsonl).")
    ],
    data_dir: Annotated[
        Path | None, typer.Option(help="Index here (kept, reused) instead of a fresh temporary folder.")
    ] = None,
    report: Annotated[Path, typer.Option(help="Where to write the per-question report (JSON Lines).")] = Path(
        "eval-report.jsonl"
    ),
    as_json: JsonFlag = False,
) -> None:
    """Measure retrieval and answers on questions with gold answers."""
    questions = read_jsonl(folder / "questions.jsonl")
    unanswerable = read_jsonl(folder / "unanswerable.jsonl") if (folder / "unanswerable.jsonl").is_file() else []
    with ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsqa-eval-")))
        opened = open_index(Settings(NEWSQA_DATA_DIR=data_dir, CHROMA_HOST=None))  # always a local store
        with _progress(err.is_terminal) as progress:
            start = time.perf_counter()
            indexed = opened.indexer.index_paths([folder / "articles.jsonl"], progress=progress)
            index_s = time.perf_counter() - start
            metrics, results = evaluate(opened.retriever, questions, unanswerable, progress)
    if indexed.failed:
        err.print(f"{len(indexed.failed)} articles could not be indexed; first: {escape(indexed.failed[0].reason)}")
    metrics["index_s"] = round(index_s, 1)
    metrics = {key: metrics[key] for key in KEYS}
    write_report(report, results)
    if as_json:
        out.print_json(data=metrics)
        return
    for key, value in metrics.items():
        out.print(f"{key:<12} {value}")
    out.print(f"Asked {len(results)} questions; per-question report in {report}.")


@app.command()
@_edge
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
@_edge
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


@app.command("discord")
@_edge
def discord_command() -> None:
    """Run the Discord bot (DISCORD_TOKEN from the environment or .env) until Ctrl-C or SIGTERM."""
    from bot.discord import run  # discord.py is only imported by this command

    for name in ("bot", "discord"):
        logging.getLogger(name).setLevel(logging.INFO)
    # The bot never joins voice channels: the missing voice libraries are no concern.
    logging.getLogger("discord.client").addFilter(lambda record: "voice will NOT" not in record.getMessage())
    run(Settings())


@app.command()
@_edge
def feedback(as_json: JsonFlag = False) -> None:
    """List the 👍/👎 votes given to the Discord bot's answers, newest first."""
    history = History(Settings().history_path)
    try:
        votes = history.feedback()
    finally:
        history.close()
    if as_json:
        out.print_json(data=[v.as_dict() for v in votes])
        return
    for v in votes:
        mark = "+" if v.vote == "up" else "-"
        out.print(f"{mark} {v.voted_at}  {escape(v.question)}\n    {escape(' '.join(v.answer.split())[:200])}")
    ups = sum(v.vote == "up" for v in votes)
    out.print(f"{len(votes)} vote{'' if len(votes) == 1 else 's'}: {ups} up, {len(votes) - ups} down.")


if __name__ == "__main__":
    main()
    sys.exit(0)
