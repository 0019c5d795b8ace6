"""Fixtures of the index's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.index.chroma import ChromaServer


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of a Chroma server: the one .ci/run started (NEWSQA_TEST_CHROMA_PORT), else one of our own."""
    if port := os.environ.get("NEWSQA_TEST_CHROMA_PORT"):
        yield int(port)
        return
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server")).start()
    try:
        yield server.port
    finally:
        server.stop()
