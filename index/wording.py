"""Wording shared by what the index tells its users."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 chunk", "3 chunks"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
