"""``python -m bot.cli``: the ``newsqa`` command."""

from bot.cli import main

main()
