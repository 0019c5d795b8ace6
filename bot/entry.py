"""The ``newsqa`` command's entry point, kept free of heavy imports.

Loading the CLI imports the model runtime and the vector store, which takes a
moment; Ctrl-C during that moment ends the command quietly, as it does later.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from bot.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise SystemExit(130) from None
