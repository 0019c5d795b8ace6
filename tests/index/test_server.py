"""The index on a Chroma server (CHROMA_HOST/CHROMA_PORT), as a bot and an indexer share it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest

from bot.app import open_index, store_location
from bot.settings import Settings
from index.errors import StoreUnavailableError
from tests.fakes import HashEmbedder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` on a free loopback port, stopped after the module."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma server did not start") from None
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_indexer_and_reader_share_one_server(chroma_server: int, tmp_path: Path, articles_dir: Path) -> None:
    def settings(name: str) -> Settings:
        return Settings(
            NEWSQA_DATA_DIR=tmp_path / "shared",
            CHROMA_HOST="127.0.0.1",
            CHROMA_PORT=chroma_server,
            NEWSQA_COLLECTION=name,
        )

    writer = open_index(settings("server-test"), HashEmbedder())
    assert str(writer.indexer.store.location) == f"chroma://127.0.0.1:{chroma_server}"
    report = writer.indexer.index_paths([articles_dir])
    assert report.added == 1 and report.chunks > 0

    reader = open_index(settings("server-test"), HashEmbedder())  # another client, as another process would be
    assert reader.indexer.store.count() == report.chunks
    passages = reader.retriever.search("death toll 84 people injured", k=3)
    assert any("84 people" in p.text for p in passages)
    assert writer.indexer.index_paths([articles_dir]).unchanged == 1


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(NEWSQA_DATA_DIR=tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=_free_port())
    assert str(store_location(settings)).startswith("chroma://127.0.0.1:")
    with pytest.raises(StoreUnavailableError, match="cannot open the Chroma store at chroma://127.0.0.1"):
        open_index(settings, HashEmbedder())


def test_tests_cannot_reach_the_network() -> None:
    with pytest.raises(ConnectionRefusedError, match="may not reach the network"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
