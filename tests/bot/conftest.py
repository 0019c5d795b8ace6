from __future__ import annotations

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from index.embed.base import Embedder
from tests.conftest import DATA


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a command run in this process: a fresh data dir, through the environment."""
    monkeypatch.setenv("NEWSQA_DATA_DIR", str(settings.data_dir))
    return settings


@pytest.fixture(scope="session")
def stories_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Service:
    """Three copies of one wire report, an article and its update at a new address, a
    report of the Alaska Airlines flight, among the slice's 14."""
    opened = Service(Settings(NEWSQA_DATA_DIR=tmp_path_factory.mktemp("stories"), CHROMA_HOST=None), real_embedder)
    report = opened.indexer.index_paths([DATA / "realtimeqa-slice.jsonl", DATA / "stories.jsonl"])
    assert report.added == 20 and not report.failed
    return opened
