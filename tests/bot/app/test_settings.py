from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app.service import configured_sources
from bot.app.settings import Settings
from index import SAMPLES_DIR

ROOT = Path(__file__).parents[3]


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    fields = {field.validation_alias for field in Settings.model_fields.values()}
    assert listed == fields


def test_a_copy_of_env_example_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cp .env.example .env`` is the first step of the Discord set-up: it must work as it is."""
    monkeypatch.chdir(tmp_path)  # no sources.toml here
    copied, default = Settings(_env_file=ROOT / ".env.example"), Settings(_env_file=None)
    assert copied.model_dump() == default.model_dump()
    assert [s.location for s in configured_sources(copied)] == [SAMPLES_DIR]


def test_lists_are_comma_separated() -> None:
    settings = Settings(NEWSQA_SOURCES="news/, archive/old.jsonl", DISCORD_GUILDS="123, 456")
    assert settings.sources == ["news/", "archive/old.jsonl"]
    assert settings.discord_guilds == [123, 456]
    assert Settings(DISCORD_GUILDS="").discord_guilds == []
