"""The ``newsqa`` command line: asking, evaluating, the Discord bot (indexing commands in ``bot.cli_index``).

Exit status: 0 on success, 1 when some inputs failed or the command could not
be carried out, 2 for usage errors.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

import bot.cli_index  # noqa: F401  (registers the indexing commands)
from bot.answer import Answer, answer
from bot.app import Index, open_index
from bot.console import JsonFlag, app, edge, err, out, progress_bar
from bot.evaluate import KEYS, evaluate, read_jsonl, write_report
from bot.history import History
from bot.llm import writer_from_settings
from bot.news import timeline as news_timeline
from bot.service import configured_sources
from bot.settings import Settings
from index import SAMPLES_DIR
from index.errors import NewsqaError
from index.filters import Filter

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Pages without an article are reported as failures; the extractor's own complaints add nothing.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    # Preparing the model for ONNX Runtime takes a while once per machine: say so.
    logging.getLogger("index.embed.export").setLevel(logging.INFO)
    app()


def _open_for_asking(settings: Settings, quiet: bool) -> Index:
    """Open the index; an empty one first gets the configured sources (or the samples), so a first question works."""
    opened = open_index(settings)
    if opened.is_empty():
        paths = [s.location for s in configured_sources(settings)]
        if not quiet:
            named = f"the bundled sample articles in {SAMPLES_DIR}" if paths == [SAMPLES_DIR] else "the configured sources"
            err.print(f"The index is empty: indexing {named} first.")
        report = opened.ensure_indexed(paths)
        for failure in report.failed if report else []:
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
    """The options as a filter; a date range that ends before it starts is a usage error."""
    try:
        return Filter.given((source,) if source else (), since.date() if since else None, until.date() if until else None)
    except NewsqaError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--since' / '--until'") from None


@app.command()
@edge
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
    where = _filter(source, since, until)
    settings = Settings()
    opened = _open_for_asking(settings, quiet=as_json)
    result = answer(question, opened.retriever, writer_from_settings(settings), where=where)
    if as_json:
        out.print_json(data=result.as_dict())
    else:
        _print_answer(result)


@app.command()
@edge
def timeline(
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="What the timeline is about.")],
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The dated claims about a topic across the indexed articles, oldest first."""
    where = _filter(source, since, until)
    settings = Settings()
    opened = _open_for_asking(settings, quiet=as_json)
    events = news_timeline(opened.retriever, topic, where or None)
    if as_json:
        out.print_json(data={"topic": topic, "events": [e.as_dict() for e in events]})
        return
    for e in events:
        out.print(f"[bold]{e.published_at or 'undated'}[/bold]  {escape(e.source)}: {escape(e.title)}")
        out.print(f"    {escape(_quoted(e.text))}")
        out.print(f"    {escape(e.url)}", style="dim")
    out.print(f"{len(events)} article{'' if len(events) == 1 else 's'} about “{escape(topic)}”.")


@app.command()
@edge
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
@edge
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
        with progress_bar(err.is_terminal) as progress:
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


@app.command("discord")
@edge
def discord_command() -> None:
    """Run the Discord bot (DISCORD_TOKEN from the environment or .env) until Ctrl-C or SIGTERM."""
    from bot.discord import run  # discord.py is only imported by this command

    for name in ("bot", "discord"):
        logging.getLogger(name).setLevel(logging.INFO)
    # The bot never joins voice channels: the missing voice libraries are no concern.
    logging.getLogger("discord.client").addFilter(lambda record: "voice will NOT" not in record.getMessage())
    run(Settings())


@app.command()
@edge
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
