from __future__ import annotations

import pytest

from bot.app.settings import Settings


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a command run in this process: a fresh data dir, through the environment."""
    monkeypatch.setenv("NEWSQA_DATA_DIR", str(settings.data_dir))
    return settings
