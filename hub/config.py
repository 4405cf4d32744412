"""One settings class for the whole service (HUB_ prefix)."""

from __future__ import annotations

import re
import warnings
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"


DecisionLevel = Literal["request", "request_or_above"]
PublicationLevel = Literal["county_or_above", "request"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path.cwd() / 'hub.db'}")
    admin_token: SecretStr | None = None
    # Keys the HMAC of ID numbers (the teacher key) and token digests: changing it orphans every teacher key.
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # The city (or county) whose 教师减负清单 the hub applies: it names the 自查表 (高平方案 附件2).
    city_name: str = Field(default="高平市", min_length=1, max_length=40)
    host: str = "127.0.0.1"
    port: int = 8000
    min_working_days: int = 5
    # A 举报 is answered within this many working days of filing (past it, it counts as overdue).
    complaint_answer_working_days: int = 15
    # Extra non-working days (YYYY-MM-DD) on top of the official calendar, e.g. a local holiday.
    extra_holidays: list[date] = []
    # Extra working days (调休 the calendar package does not know yet).
    extra_workdays: list[date] = []
    # Which statistics bureau decides a request with new fields: the one at the request's level (its
    # division: the narrowest holding every school it asks), or that one or any above it.
    decision_level: DecisionLevel = "request"
    # Which education bureau publishes to schools: any whose division holds every target school (the
    # schools' county or above), or only the one at the request's level.
    publication_level: PublicationLevel = "county_or_above"
    # How long a release of gathered data lasts when the education bureau names no end (days), and how
    # long a standing agreement (共享协议) lasts when it names none. Every grant ends.
    release_days: int = Field(default=180, ge=1)
    agreement_days: int = Field(default=365, ge=1)
    # Releases and agreements ending within this many days are listed as expiring soon.
    expiring_days: int = Field(default=30, ge=1)
    # Tokens issued to principals (by the admin, by a school's activation, by a rotation) stop working
    # this many days after they were issued (401 TokenExpired); unset: they do not expire.
    token_days: int | None = Field(default=None, ge=1)
    # A web sign-in lasts this many hours (the session is kept server-side; the cookie holds only its id).
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # The session cookie's Secure flag: true, false, or unset to follow the request (https, or
    # X-Forwarded-Proto: https from the TLS proxy in front).
    secure_cookies: bool | None = None
    suppression_k: int = 5
    duplicate_overlap: float = 0.8
    # A field is "available" when this share of the scope's records hold a value.
    available_coverage: float = 0.95
    dedup_threshold: float = 0.75
    scheduler_enabled: bool = True
    # Requests served at once by one process; as many database connections are kept open (and as many
    # again for bursts). Keep db_pool_size × 2 × workers under the database's max_connections.
    db_pool_size: int = Field(default=16, ge=1)
    # How long a request beyond db_pool_size waits for its turn before a 503 with Retry-After.
    admission_wait_seconds: float = Field(default=10.0, gt=0)
    # Largest JSON body and largest other body (an uploaded CSV/XLSX) a request may carry: 413 past them.
    max_json_bytes: int = Field(default=5_000_000, ge=1024)
    max_upload_bytes: int = Field(default=50_000_000, ge=1024)
    # Most data rows one uploaded file may hold (a task submission or an import through the API).
    max_upload_rows: int = Field(default=200_000, ge=1)
    # Server processes of `hub serve` (uvicorn workers); the scheduler runs in one of them only.
    workers: int = Field(default=1, ge=1)
    # The audit log's MAC keys by id (JSON object) and the id that seals new entries; empty: one key
    # derived from the secret key. Keep old ids here after a rotation so older entries still verify.
    audit_keys: dict[str, SecretStr] = {}
    audit_key_id: str | None = None
    # Ed25519 seed (64 hex digits) signing checkpoints of the audit chain; unset: derived from the secret key.
    audit_signing_key: SecretStr | None = None
    # Where the scheduler writes a signed checkpoint of the audit chain every hour (outside the database).
    audit_checkpoint_dir: Path | None = None

    @model_validator(mode="after")
    def _check_audit_keys(self) -> Settings:
        if self.audit_key_id is not None and self.audit_keys and self.audit_key_id not in self.audit_keys:
            raise ValueError(f"HUB_AUDIT_KEY_ID {self.audit_key_id!r} is not one of HUB_AUDIT_KEYS")
        if self.audit_signing_key is not None and not re.fullmatch(
            r"[0-9a-fA-F]{64}", self.audit_signing_key.get_secret_value()
        ):
            raise ValueError("HUB_AUDIT_SIGNING_KEY is an Ed25519 seed: 64 hex digits")
        return self

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
