"""Asking: ``ask``, ``timeline``, ``chat`` and ``eval``."""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bot.app.follows import Follow, clean_topic
from bot.app.history import topic
from bot.app.service import Service
from bot.app.settings import Settings
from bot.cli.console import JsonFlag, edge, err, out, progress_bar
from bot.core import Filter, NewsqaError, counted
from bot.core.answer import Answer
from bot.core.evaluate import KEYS, read_jsonl, write_report
from bot.core.new import NewStory
from bot.core.question import follows_up
from bot.core.stories import also_reported


def _open_for_asking(settings: Settings, quiet: bool) -> Service:
    """The service; an empty index first gets the configured sources (or the samples), so a first question works."""
    service = Service(settings)
    service.fill_if_empty(lambda line: None if quiet else err.print(escape(line)))
    return service


def _print_answer(result: Answer) -> None:
    if result.short_answer:
        out.print(f"[bold]{escape(result.short_answer)}[/bold] — {escape(result.answer)}")
    else:
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
        others = also_reported(c.source, c.also_reported_by)
        if others:
            out.print(f"    also reported by: {escape(others)}", style="dim")


def _quoted(text: str) -> str:
    """Text in quotation marks, unless it is itself one quotation."""
    text = " ".join(text.split())
    return text if text.startswith(("“", '"')) and text.endswith(("”", '"')) else f"“{text}”"


SourceOption = Annotated[
    str | None, typer.Option("--source", help="Only articles from this source, e.g. cnn or cnn.com.")
]
def _day(text: str) -> date:
    """A day as the options take it: YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a day: write it as YYYY-MM-DD, e.g. 2024-01-05") from None


SinceOption = Annotated[
    date | None, typer.Option(parser=_day, metavar="YYYY-MM-DD", help="Only articles published on or after this day.")
]
UntilOption = Annotated[
    date | None, typer.Option(parser=_day, metavar="YYYY-MM-DD", help="Only articles published on or before this day.")
]


def _filter(source: str | None, since: date | None, until: date | None) -> Filter:
    """The options as a filter; a date range that ends before it starts is a usage error."""
    try:
        return Filter.given((source,) if source else (), since, until)
    except NewsqaError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--since' / '--until'") from None


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
    result = _open_for_asking(Settings(), quiet=as_json).ask(question, where=where)
    if as_json:
        out.print_json(data=result.as_dict())
    else:
        _print_answer(result)


@edge
def timeline(
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="What the timeline is about.")],
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The dated claims about a topic across the indexed articles, oldest first."""
    if not topic.strip():
        raise typer.BadParameter("the topic is empty", param_hint="TOPIC")
    where = _filter(source, since, until)
    events = _open_for_asking(Settings(), quiet=as_json).timeline(topic, where or None)
    if as_json:
        out.print_json(data={"topic": topic, "events": [e.as_dict() for e in events]})
        return
    for e in events:
        _print_claim(e.published_at, e.source, e.title, e.text, e.url)
    out.print(f"{counted(len(events), 'article')} about “{escape(topic)}”.")


@edge
def new(
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="What the news is about.")],
    since: SinceOption = None,
    source: SourceOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The stories about a topic published since a day (default: yesterday), newest first, one claim each."""
    if not topic.strip():
        raise typer.BadParameter("the topic is empty", param_hint="TOPIC")
    since = since or date.today() - timedelta(days=1)
    stories = _open_for_asking(Settings(), quiet=as_json).new(topic, since, _filter(source, None, None) or None)
    if as_json:
        out.print_json(data={"topic": topic, "since": since.isoformat(), "stories": [s.as_dict() for s in stories]})
        return
    _print_stories(stories)
    about = f"about “{escape(topic)}” since {since.isoformat()}"
    count = f"{len(stories)} new stor{'y' if len(stories) == 1 else 'ies'}"
    out.print(f"{count} {about}." if stories else f"Nothing new {about}.")


def _print_claim(published_at: str | None, source: str, title: str, text: str, url: str) -> None:
    """A dated claim as timelines and what's new list it: day, source and title; the quote; the address."""
    out.print(f"[bold]{published_at or 'undated'}[/bold]  {escape(source)}: {escape(title)}")
    out.print(f"    {escape(_quoted(text))}")
    out.print(f"    {escape(url)}", style="dim")


def _print_stories(stories: list[NewStory]) -> None:
    for s in stories:
        _print_claim(s.published_at, s.source, s.title, s.text, s.url)
        others = also_reported(s.source, s.also_reported_by)
        if others:
            out.print(f"    also reported by: {escape(others)}", style="dim")


@edge
def follow(
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="What the news is about.")],
    print_only: Annotated[bool, typer.Option("--print", help="Print what would be posted after the next round.")] = False,
    since: SinceOption = None,
    channel: Annotated[int | None, typer.Option(help="The Discord channel whose follow of TOPIC to use.")] = None,
) -> None:
    """What following a topic would post after the next index round (topics are followed with /follow in Discord)."""
    if not print_only:
        raise typer.BadParameter("topics are followed per Discord channel, with /follow there; "
                                 "--print shows what would be posted", param_hint="--print")  # fmt: skip
    service = _open_for_asking(Settings(), quiet=False)
    made = Follow(0, clean_topic(topic), None, None, "", (since or date.today() - timedelta(days=1)).isoformat())
    if channel is not None:
        found = [f for f in service.follows.all(channel) if f.topic.casefold() == made.topic.casefold()]
        if not found:
            raise NewsqaError(f"channel {channel} does not follow “{made.topic}”: see `newsqa follows`")
        made = found[0]
    stories = service.due(made)
    _print_stories(stories)
    about = f"about “{escape(made.topic)}” published since {made.since_day}"
    count = f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'} would be posted"
    out.print(f"{count} {about}." if stories else f"Nothing would be posted {about}.")


@edge
def chat() -> None:
    """Ask questions one after another (an empty line or Ctrl-D ends).

    A question that points back and names nothing new ("who will he face in the
    final?") follows up the conversation before it, as a reply does in Discord.
    """
    service = _open_for_asking(Settings(), quiet=False)
    out.print("Ask about the indexed news; an empty line ends.")
    context: str | None = None
    while True:
        try:
            question = _next_question().strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if not question:
            break
        following = context if context and follows_up(question) else None
        _print_answer(service.ask(question, context=following))
        context = topic(following, question)
        out.print()


def _next_question() -> str:
    """The next line after the prompt; read from a pipe, it is also shown after the prompt, so that what is printed
    reads as a conversation (otherwise each answer would start on the prompt's line)."""
    line = input("? ")
    if not sys.stdin.isatty():
        out.print(line.strip(), soft_wrap=True, highlight=False, markup=False)
    return line


@edge
def eval_command(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder with articles.jsonl, questions.jsonl (and unanswerable.jsonl).")
    ],
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Index here (kept, reused; its records in NEWSQA_DATABASE_URL when set) instead of a fresh "
            "temporary folder (all local)."
        ),
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
        local: dict[str, None] = {}
        if data_dir is None:  # thrown away after: nothing of it in a shared database
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsqa-eval-")))
            local = {"NEWSQA_DATABASE_URL": None}
        service = Service(Settings(NEWSQA_DATA_DIR=data_dir, CHROMA_HOST=None, **local))  # always a local store
        with progress_bar(err.is_terminal) as progress:
            start = time.perf_counter()
            indexed = service.index([str(folder / "articles.jsonl")], progress=progress)
            index_s = time.perf_counter() - start
            metrics, results = service.evaluate(questions, unanswerable, progress)
    if indexed.failed:
        err.print(f"{len(indexed.failed)} articles could not be indexed; first: {escape(indexed.failed[0].reason)}")
    if indexed.warnings:
        first = indexed.warnings[0]
        err.print(f"{len(indexed.warnings)} indexed with a warning; first: {escape(f'{first.path}: {first.reason}')}")
    metrics["index_s"] = round(index_s, 1)
    metrics = {key: metrics[key] for key in KEYS}
    write_report(report, results)
    if as_json:
        out.print_json(data=metrics)
        return
    width = max(map(len, metrics))
    for key, value in metrics.items():
        out.print(f"{key:<{width}} {value}")
    out.print(f"Asked {len(results)} questions; per-question report in {report}.")
