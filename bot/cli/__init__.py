"""The ``newsqa`` command line, a thin front end over ``bot.app.Service``.

Exit status: 0 on success, 1 when some inputs failed or the command could not
be carried out, 2 for usage errors.
"""

from __future__ import annotations

import logging

import typer

from bot.cli import ask, check, indexing, migrate, serve

app = typer.Typer(
    help="Answers questions about news articles, citing the passages it used.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for command in (indexing.index, indexing.watch, indexing.sources, indexing.stats):
    app.command()(command)
for command in (ask.ask, ask.timeline, ask.new, ask.follow, ask.chat):
    app.command()(command)
app.command()(check.check)
app.command()(migrate.migrate)
app.command("eval")(ask.eval_command)
app.command("discord")(serve.discord_command)
app.command()(serve.feedback)
app.command()(serve.follows)

__all__ = ["app", "main"]

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    # Pages without an article are reported as failures; the extractor's own complaints add nothing.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    # Preparing the model for ONNX Runtime takes a while once per machine: say so, as a plain line (its
    # warnings keep their level and origin).
    told, warned = logging.StreamHandler(), logging.StreamHandler()
    told.addFilter(lambda record: record.levelno < logging.WARNING)
    warned.setLevel(logging.WARNING)
    warned.setFormatter(logging.Formatter(LOG_FORMAT))
    export_log = logging.getLogger("index.embed.export")
    export_log.setLevel(logging.INFO)
    export_log.handlers = [told, warned]
    export_log.propagate = False
    app()
