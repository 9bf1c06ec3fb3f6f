"""Settings for every entry point, read once from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Settings(BaseSettings):
    """Every setting diplobot reads; see `.env.example` for meaning, unit and default."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # storage
    database_url: str = "sqlite:///diplobot.db"
    database_wait_seconds: float = Field(default=30.0, ge=0)

    # jobs (docs/architecture.md, "Running at scale")
    job_engine: Literal["inline", "procrastinate"] = "inline"
    run_worker: bool = True
    job_lease_seconds: float = Field(default=30.0, ge=2)
    job_tick_seconds: int = Field(default=5, ge=1, le=59)

    # analysis
    spacy_model: str = "en_core_web_sm"
    analysis_batch_size: int = Field(default=4, ge=1)

    # feeds
    feeds_file: Path | None = None
    poll_interval_seconds: int = Field(default=900, ge=10)
    poll_jitter_seconds: int = Field(default=60, ge=0)
    max_backoff_seconds: int = Field(default=6 * 3600, ge=60)
    fetch_timeout_seconds: float = Field(default=10.0, gt=0)
    fetch_max_bytes: int = Field(default=5_000_000, ge=1024)
    fetch_max_redirects: int = Field(default=5, ge=0)
    user_agent: str = "diplobot/0.1 (+https://github.com/diplobot/diplobot; feed reader for Slack)"
    allow_private_feeds: bool = False
    fetch_pages: bool = True
    page_min_delay_seconds: float = Field(default=1.0, ge=0)
    timezone: str = "UTC"

    # demo
    demo_port: int = Field(default=8765, ge=0, le=65535)

    # slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_port: int = Field(default=3000, ge=0, le=65535)
    listen_host: str = "0.0.0.0"
    health_port: int = Field(default=3001, ge=0, le=65535)
    backfill_stories: int = Field(default=3, ge=0)
    digest_time: str = "08:00"

    # logs
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "plain", "json"] = "auto"

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        return value.strip().upper() if value.strip().upper() in ("DEBUG", "INFO", "WARNING", "ERROR") \
            else value.strip().lower()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"TIMEZONE={value!r} is not a known IANA time zone") from exc
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"
