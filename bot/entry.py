"""The ``newsqa`` command's entry point, kept free of heavy imports.

Loading the CLI imports the model runtime and the vector store, which takes a
moment; Ctrl-C during that moment ends the command quietly, as it does later.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    interrupted = []

    def on_interrupt(signum: int, frame: object) -> None:
        interrupted.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        try:
            from bot.cli import main as run
        except ImportError:
            if interrupted:  # an extension module cut short while loading reports it as an ImportError
                raise KeyboardInterrupt from None
            raise
        signal.signal(signal.SIGINT, signal.default_int_handler)
        run()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise SystemExit(130) from None
