"""What every ``newsqa`` command shares: its consoles, errors at the edge, progress bars.

Exit status: 0 on success, 1 when some inputs failed or the command could not
be carried out, 2 for usage errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from bot.core import NewsqaError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def edge(command: Callable[..., Any]) -> Callable[..., Any]:
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
            reason = first["ctx"]["error"] if first["type"] == "value_error" else first["msg"]  # without "Value error, "
            err.print(f"error: invalid setting {name}: {escape(str(reason))} (check the environment and .env)")
            raise typer.Exit(2) from None

    return wrapper


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
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
