"""How the chunk store's calls to Chroma fail: a lost server connection becomes a StoreUnavailableError that
says where, and a read that met a write of the same chunks is tried again.

The methods decorated belong to :class:`index.store.ChunkStore`, whose ``location`` names the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import httpx
from chromadb.errors import InternalError

from index.errors import StoreUnavailableError

T = TypeVar("T")
log = logging.getLogger(__name__)


def reaching(method: Callable[..., T]) -> Callable[..., T]:
    """A lost connection to a Chroma server becomes a StoreUnavailableError that says where."""

    @wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except httpx.TransportError as exc:
            raise StoreUnavailableError(
                f"lost the connection to the Chroma store at {self.location}: {exc}; is the server running?"
            ) from exc

    return wrapper


# Reads that meet a write of the same chunks in Chroma's local store may fail with "Error finding id" (the id
# listed, its record not yet or no longer there); the same read a moment later succeeds.
READ_TRIES = 3
_RACED = "Error finding id"


def read_again_if_raced(method: Callable[..., T]) -> Callable[..., T]:
    """A read that met a concurrent write of the same chunks is tried again, up to ``READ_TRIES`` times."""

    @wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        for _ in range(READ_TRIES - 1):
            try:
                return method(self, *args, **kwargs)
            except InternalError as exc:
                if _RACED not in str(exc):
                    raise
                log.debug("A read of %s met a write of the same chunks (%s); reading again.", self.location, exc)
        return method(self, *args, **kwargs)

    return wrapper
