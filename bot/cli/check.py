"""The ``check`` command: is the index consistent, and, with ``--repair``, mend it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from bot.app.health import Health, check_index, repair_index
from bot.app.settings import Settings
from bot.cli.console import JsonFlag, edge, err, out, progress_bar


@edge
def check(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Mend what is found, as an indexing run would (it takes the writer lock): orphan chunks removed, "
            "damaged articles indexed again from their sources, keyword rows written again or removed.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Check the index without changing it: manifest against store, keyword index, model, writer lock."""
    settings = Settings()
    found = check_index(settings)
    if not repair:
        _show(found, as_json)
        raise typer.Exit(0 if found.ok else 1)
    done = None
    if not found.ok:
        if not as_json:
            for problem in found.problems:
                err.print(f"found: {escape(str(problem))}")
        with progress_bar(not as_json and err.is_terminal) as progress:
            done = repair_index(settings, progress=progress)
    after = check_index(settings) if done is not None else found
    if as_json:
        out.print_json(data={"found": found.as_dict(), "repair": done and done.as_dict(), "after": after.as_dict()})
    else:
        if done is not None:
            for failure in done.report.failed:
                err.print(f"failed: {escape(failure.path)}: {escape(failure.reason)}")
            out.print(escape(done.summary()))
        _show(after, as_json=False)
    raise typer.Exit(0 if after.ok else 1)


def _show(health: Health, as_json: bool) -> None:
    if as_json:
        out.print_json(data=health.as_dict())
        return
    for problem in health.problems:
        out.print(escape(str(problem)))
    out.print(escape(health.verdict()))
