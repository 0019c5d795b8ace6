from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).parents[2]


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    fields = {field.validation_alias for field in Settings.model_fields.values()}
    assert listed == fields


def test_lists_are_comma_separated() -> None:
    settings = Settings(NEWSQA_SOURCES="news/, archive/old.jsonl", DISCORD_GUILDS="123, 456")
    assert settings.sources == ["news/", "archive/old.jsonl"]
    assert settings.discord_guilds == [123, 456]
    assert Settings(DISCORD_GUILDS="").discord_guilds == []
