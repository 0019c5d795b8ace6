"""Settings, read from the environment and a ``.env`` file at the entry points only.

Every field is listed, with a comment, in ``.env.example``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.embed.types import Backend, Precision
from index.read.sources import parse_interval


class Settings(BaseSettings):
    """Configuration of the index and the front ends."""

    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("newsqa", appauthor=False)),
        validation_alias="NEWSQA_DATA_DIR",
    )
    collection: str = Field("newsqa", min_length=3, validation_alias="NEWSQA_COLLECTION")
    embedding_model: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2", validation_alias="NEWSQA_EMBEDDING_MODEL"
    )
    embedding_backend: Backend = Field("onnx", validation_alias="NEWSQA_EMBEDDING_BACKEND")
    embedding_precision: Precision = Field("int8", validation_alias="NEWSQA_EMBEDDING_PRECISION")
    model_cache: Path = Field(
        default_factory=lambda: Path(user_cache_dir("newsqa", appauthor=False)) / "models",
        validation_alias="NEWSQA_MODEL_CACHE",
    )
    chroma_host: str | None = Field(None, validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")
    database_url: SecretStr | None = Field(None, validation_alias="NEWSQA_DATABASE_URL")
    max_file_mb: float = Field(5.0, gt=0, validation_alias="NEWSQA_MAX_FILE_MB")
    llm_provider: str | None = Field(None, validation_alias="LLM_PROVIDER")
    llm_model: str | None = Field(None, validation_alias="LLM_MODEL")
    llm_base_url: str | None = Field(None, validation_alias="LLM_BASE_URL")
    llm_api_key: str | None = Field(None, validation_alias="LLM_API_KEY")
    sources: Annotated[list[str], NoDecode] = Field(default_factory=list, validation_alias="NEWSQA_SOURCES")
    sources_file: Path = Field(Path("sources.toml"), validation_alias="NEWSQA_SOURCES_FILE")
    refresh: timedelta = Field(timedelta(hours=1), validation_alias="NEWSQA_REFRESH")
    fetch_timeout: float = Field(15.0, gt=0, validation_alias="NEWSQA_FETCH_TIMEOUT")

    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_guilds: Annotated[list[int], NoDecode] = Field(default_factory=list, validation_alias="DISCORD_GUILDS")
    discord_dms: bool = Field(True, validation_alias="DISCORD_DMS")
    discord_threads: bool = Field(False, validation_alias="DISCORD_THREADS")
    discord_message_content: bool = Field(True, validation_alias="DISCORD_MESSAGE_CONTENT")
    discord_cooldown_questions: int = Field(3, ge=1, validation_alias="DISCORD_COOLDOWN_QUESTIONS")
    discord_cooldown_seconds: float = Field(30.0, ge=0, validation_alias="DISCORD_COOLDOWN_SECONDS")
    discord_max_concurrent: int = Field(2, ge=1, validation_alias="DISCORD_MAX_CONCURRENT")
    discord_watch: bool = Field(False, validation_alias="DISCORD_WATCH")
    discord_follow_per_hour: int = Field(10, ge=1, validation_alias="DISCORD_FOLLOW_PER_HOUR")
    discord_quiet_hours: tuple[int, int] | None = Field(None, validation_alias="DISCORD_QUIET_HOURS")

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        """The data folder may not exist yet, but it cannot be a file."""
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder")
        return value

    @field_validator("sources", "discord_guilds", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """Lists are written as comma-separated values in the environment."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("refresh", mode="before")
    @classmethod
    def _interval(cls, value: object) -> object:
        """Intervals are written like 15m, 2h or 1d."""
        return parse_interval(value) if isinstance(value, str) else value

    @field_validator("discord_quiet_hours", mode="before")
    @classmethod
    def _hours(cls, value: object) -> object:
        """Quiet hours are written START-END in whole hours (UTC), e.g. 22-7."""
        if not isinstance(value, str):
            return value
        match = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", value)
        if not match or not all(0 <= int(h) <= 23 for h in match.groups()):
            raise ValueError(f"{value!r} is not a range of hours like 22-7")
        return int(match[1]), int(match[2])

    def is_quiet(self, hour: int) -> bool:
        """Whether followed news waits at this hour (UTC) of the day."""
        if self.discord_quiet_hours is None:
            return False
        start, end = self.discord_quiet_hours
        return start <= hour < end if start <= end else hour >= start or hour < end

    @property
    def index_dir(self) -> Path:
        """Where the records that go with the store are kept (the manifest with its keyword index and the small
        tables of ``index/tables.py``: follows, answer history, feed cache; the writer lock).

        Beside the local store; for a Chroma server, in a folder of their own
        per server and collection, so that moving between a local store and a
        server (or between servers) never mixes one's records with another's.
        """
        if not self.chroma_host:
            return self.data_dir
        host = self.chroma_host.strip().lower()
        host = "127.0.0.1" if host in ("localhost", "::1", "[::1]") else host  # one server, one folder
        name = re.sub(r"[^\w.-]", "_", f"{host}-{self.chroma_port}-{self.collection}")
        return self.data_dir / "servers" / name

    @property
    def fetch_cache_path(self) -> Path:
        """Where earlier versions kept the feed cache; copied into the index's database once."""
        return self.index_dir / "fetch.sqlite3"

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / "manifest.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def legacy_keyword_dir(self) -> Path:
        """Where earlier versions saved the keyword index; removed once its rows are in the manifest."""
        return self.index_dir / "keyword"

    @property
    def lock_path(self) -> Path:
        return self.index_dir / "index.lock"

    @property
    def history_path(self) -> Path:
        """Where earlier versions kept the answer history; copied into the index's database once."""
        return self.data_dir / "history.sqlite3"

    @property
    def follows_path(self) -> Path:
        """Where earlier versions kept the follows; copied into the index's database once (bot/app/follows_db.py)."""
        return self.data_dir / "follows.sqlite3"
