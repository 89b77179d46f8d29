"""Fault tests run `recyclic serve` against PostgreSQL: skipped on the SQLite run."""

from __future__ import annotations

import pytest

from tests.support.databases import postgres_url

collect_ignore: list[str] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if postgres_url() is not None:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (RECYCLIC_TEST_DATABASE_URL)")
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(skip)
