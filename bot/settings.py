"""Settings, read from the environment and a ``.env`` file at the entry points only.

Every field is listed, with a comment, in ``.env.example``.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    chroma_host: str | None = Field(None, validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")
    max_file_mb: float = Field(5.0, gt=0, validation_alias="NEWSQA_MAX_FILE_MB")
    llm_provider: str | None = Field(None, validation_alias="LLM_PROVIDER")
    llm_model: str | None = Field(None, validation_alias="LLM_MODEL")
    llm_base_url: str | None = Field(None, validation_alias="LLM_BASE_URL")
    llm_api_key: str | None = Field(None, validation_alias="LLM_API_KEY")

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def keyword_dir(self) -> Path:
        return self.data_dir / "keyword"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "index.lock"
