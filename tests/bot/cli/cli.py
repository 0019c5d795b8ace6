"""Running the `newsqa` command in process, as the CLI tests do."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``newsqa ARGS…``."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
