"""Typed settings read from `GEMBA_*` environment variables and validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import msgspec

DEMO_SECRET = "gemba-demo-secret-do-not-use-in-production"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and why."""


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'gemba.db'}"
    secret_key: str = DEMO_SECRET
    mode: Literal["development", "production"] = "development"
    demo: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    attachments_dir: str = str(PROJECT_ROOT / "var" / "attachments")
    attachment_max_bytes: int = 10 * 1024 * 1024
    pwa_dir: str = str(PROJECT_ROOT / "pwa" / "dist")
    login_attempts_per_minute: int = 10
    background_jobs: bool = True
    signal_retention_days: int = 30
    sync_retention_days: int = 30
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def validate(self) -> Settings:
        if not self.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                "GEMBA_DATABASE_URL: must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        if not 0 < self.port < 65536:
            raise SettingsError("GEMBA_PORT: must be between 1 and 65535")
        if len(self.secret_key) < 16:
            raise SettingsError("GEMBA_SECRET_KEY: must be at least 16 characters")
        if not self.public_base_url.startswith(("http://", "https://")):
            raise SettingsError("GEMBA_PUBLIC_BASE_URL: must be an http:// or https:// URL")
        if self.signal_retention_days <= 0:
            raise SettingsError("GEMBA_SIGNAL_RETENTION_DAYS: must be at least 1")
        if self.sync_retention_days <= 0:
            raise SettingsError("GEMBA_SYNC_RETENTION_DAYS: must be at least 1")
        if self.attachment_max_bytes <= 0:
            raise SettingsError("GEMBA_ATTACHMENT_MAX_BYTES: must be positive")
        if self.mode == "production":
            if self.secret_key == DEMO_SECRET:
                raise SettingsError("GEMBA_SECRET_KEY: production mode refuses the demo secret; set your own")
            if self.demo:
                raise SettingsError("GEMBA_DEMO: production mode refuses demo data and demo users")
        return self


_BOOL_TRUE = {"1", "true", "yes", "on"}
_BOOL_FALSE = {"0", "false", "no", "off"}


def load_settings(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read `GEMBA_<FIELD>` variables; a bad value raises SettingsError naming the variable."""
    env = os.environ if env is None else env
    raw: dict[str, object] = {}
    fields = msgspec.structs.fields(Settings)
    for f in fields:
        key = f"GEMBA_{f.name.upper()}"
        if key not in env:
            continue
        value = env[key]
        if f.type is bool:
            low = value.strip().lower()
            if low not in _BOOL_TRUE | _BOOL_FALSE:
                raise SettingsError(f"{key}: expected true/false, got {value!r}")
            raw[f.name] = low in _BOOL_TRUE
        elif f.type is int:
            try:
                raw[f.name] = int(value)
            except ValueError:
                raise SettingsError(f"{key}: expected an integer, got {value!r}") from None
        else:
            raw[f.name] = value
    raw.update(overrides)
    try:
        settings = msgspec.convert(raw, Settings)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"settings: {exc}") from None
    return settings.validate()
