"""One settings class for the whole service (HUB_ prefix)."""

from __future__ import annotations

import warnings
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path.cwd() / 'hub.db'}")
    admin_token: SecretStr | None = None
    # Keys the HMAC of ID numbers (the teacher key) and token digests: changing it orphans every teacher key.
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    host: str = "127.0.0.1"
    port: int = 8000
    min_working_days: int = 5
    # Extra non-working days (YYYY-MM-DD) on top of the official calendar, e.g. a local holiday.
    extra_holidays: list[date] = []
    # Extra working days (调休 the calendar package does not know yet).
    extra_workdays: list[date] = []
    suppression_k: int = 5
    duplicate_overlap: float = 0.8
    # A field is "available" when this share of the scope's records hold a value.
    available_coverage: float = 0.95
    dedup_threshold: float = 0.75
    scheduler_enabled: bool = True

    @model_validator(mode="after")
    def _enforce_non_default_secrets(self) -> Settings:
        if self.secret_key.get_secret_value() == DEFAULT_SECRET:
            message = "HUB_SECRET_KEY is at its default value; set it before running outside development."
            if self.env == "production":
                raise ValueError(message)
            warnings.warn(message, stacklevel=1)
        return self


@lru_cache
def get_settings() -> Settings:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Settings()
