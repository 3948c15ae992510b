"""Settings come from GEMBA_* variables and are checked at start."""

from __future__ import annotations

import pytest

from backend.settings import DEMO_SECRET, SettingsError, load_settings


def test_defaults_run_the_demo_on_sqlite() -> None:
    s = load_settings({})
    assert s.database_url.startswith("sqlite+aiosqlite:///")
    assert s.database_url.endswith("var/gemba.db")
    assert s.demo is True
    assert (s.host, s.port) == ("127.0.0.1", 8000)


def test_variables_override_defaults() -> None:
    s = load_settings({"GEMBA_PORT": "9000", "GEMBA_DEMO": "false", "GEMBA_HOST": "0.0.0.0"})
    assert (s.port, s.demo, s.host) == (9000, False, "0.0.0.0")


def test_a_bad_integer_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="GEMBA_PORT: expected an integer"):
        load_settings({"GEMBA_PORT": "eighty"})


def test_a_bad_boolean_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="GEMBA_DEMO"):
        load_settings({"GEMBA_DEMO": "maybe"})


def test_an_unsupported_database_is_refused() -> None:
    with pytest.raises(SettingsError, match="GEMBA_DATABASE_URL"):
        load_settings({"GEMBA_DATABASE_URL": "mysql://x"})


def test_production_refuses_the_demo_secret() -> None:
    with pytest.raises(SettingsError, match="demo secret"):
        load_settings({"GEMBA_MODE": "production", "GEMBA_DEMO": "false", "GEMBA_SECRET_KEY": DEMO_SECRET})


def test_production_refuses_demo_mode() -> None:
    with pytest.raises(SettingsError, match="GEMBA_DEMO"):
        load_settings({"GEMBA_MODE": "production", "GEMBA_SECRET_KEY": "a-real-secret-of-enough-length"})


def test_production_starts_with_a_real_secret_and_no_demo() -> None:
    s = load_settings(
        {"GEMBA_MODE": "production", "GEMBA_DEMO": "0", "GEMBA_SECRET_KEY": "a-real-secret-of-enough-length"}
    )
    assert s.mode == "production"
