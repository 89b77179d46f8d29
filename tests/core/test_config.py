"""Settings: secrets, database URLs, time zones."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from recyclic.core.config import Settings, normalize_database_url
from recyclic.core.exceptions import ConfigurationError


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "short-but-not-default"])
def test_production_refuses_empty_default_or_short_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError, match="RECYCLIC_SECRET_KEY"):
        _settings(tmp_path, env="production", secret_key=secret)


def test_production_accepts_a_long_random_secret(tmp_path: Path) -> None:
    settings = _settings(tmp_path, env="production", secret_key="x" * 48)
    assert settings.secret_key.get_secret_value() == "x" * 48


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = _settings(tmp_path).secret_key.get_secret_value()
    second = _settings(tmp_path).secret_key.get_secret_value()
    assert len(first) >= 32
    assert first == second
    secret_file = tmp_path / "secret_key"
    assert secret_file.stat().st_mode & 0o777 == 0o600


def test_secret_is_never_shown_in_repr(tmp_path: Path) -> None:
    settings = _settings(tmp_path, secret_key="super-secret-value-123")
    assert "super-secret-value-123" not in repr(settings)


def test_default_database_is_sqlite_file_in_data_dir(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'recyclic.db'}"
    assert settings.sqlite_path == tmp_path / "recyclic.db"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://x", "nonsense"])
def test_unknown_database_scheme_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Unsupported database URL scheme"):
        normalize_database_url(url)


def test_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        _settings(tmp_path, timezone="Mars/Olympus_Mons")
