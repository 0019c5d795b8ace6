"""The ``migrate`` command: the data folder's index records moved into PostgreSQL, nothing embedded again."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from bot.app.move import GOES_ALONG, move_index
from bot.app.settings import Settings
from bot.cli.console import edge, err, out, progress_bar


@edge
def migrate(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="postgresql://USER@HOST/DB",
            help="The PostgreSQL database (and schema, with options=-csearch_path=NAME) to move the records into.",
        ),
    ],
) -> None:
    """Move the index's records (articles, sentence vectors, keyword rows, stories), the Discord follows and answer
    history and the feed cache from the data folder into PostgreSQL, for the same Chroma store: nothing is
    embedded again."""
    with progress_bar(err.is_terminal) as progress:
        moved = move_index(Settings(), to, progress)
    use = "Set NEWSQA_DATABASE_URL to the address given to --to to use it"
    out.print(escape(f"{moved.summary()} {use}; {GOES_ALONG}."))
