"""`recyclic classify "…"` prints the classification as JSON, offline without a key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recyclic.cli import app
from recyclic.core.config import get_settings
from tests.support.databases import TestDatabase, prepare_test_database

runner = CliRunner()


@pytest.fixture(scope="module")
def classify_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    yield from prepare_test_database(tmp_path_factory.mktemp("classify"), suffix="_classify")


@pytest.fixture
def env(classify_database: TestDatabase, tmp_path: Path) -> Iterator[dict[str, str]]:
    get_settings.cache_clear()
    yield {
        "RECYCLIC_DATA_DIR": str(tmp_path),
        "RECYCLIC_DATABASE_URL": classify_database.url,
        "RECYCLIC_LOG_LEVEL": "WARNING",
        "RECYCLIC_GEMINI_API_KEY": "",
    }
    get_settings.cache_clear()


def test_classify_prints_the_local_classification_as_json(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["classify", "un vieux frigo, environ 40 kilos"], env=env)

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert set(printed) == {
        "category",
        "confidence",
        "alternatives",
        "quantity",
        "weight_kg",
        "provider",
        "transcription",
    }
    assert (printed["category"], printed["quantity"], printed["weight_kg"]) == ("EEE-1", 1, 40.0)
    assert (printed["provider"], printed["transcription"]) == ("local", None)
    assert 0 <= printed["confidence"] <= 100
    assert all(set(item) == {"category", "confidence"} for item in printed["alternatives"])


def test_classify_refuses_an_empty_description_in_one_line(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["classify", "   "], env=env)

    assert result.exit_code == 1
    assert "La description est vide" in result.output
    assert "Traceback" not in result.output
