from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.app.service import Service
from bot.app.settings import Settings
from index.embed.base import Embedder
from tests.conftest import DATA, environment_of


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a command run in this process: a fresh data dir, through the environment."""
    for name, value in environment_of(settings).items():
        monkeypatch.setenv(name, value)
    return settings


@pytest.fixture(scope="session")
def stories_index(new_index_settings: Callable[..., Settings], real_embedder: Embedder) -> Service:
    """Three copies of one wire report, an article and its update at a new address, a
    report of the Alaska Airlines flight, among the slice's 14."""
    opened = Service(new_index_settings("stories", CHROMA_HOST=None), real_embedder)
    report = opened.indexer.index_paths([DATA / "realtimeqa-slice.jsonl", DATA / "stories.jsonl"])
    assert report.added == 20 and not report.failed
    return opened
