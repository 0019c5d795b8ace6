"""Prompt and message templates, kept as text files beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@cache
def load(name: str) -> str:
    """The template ``name`` (a file ``NAME.txt`` in this folder)."""
    path = _HERE / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt template named {name!r} in {_HERE}")
    return path.read_text(encoding="utf-8")
