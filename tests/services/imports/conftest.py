"""A generated Oressource shop in MariaDB, shared by the import tests of this folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.mariadb import generated_shop
from tests.support.oressource.history import Shop


@pytest.fixture(scope="module")
def shop() -> Iterator[Shop]:
    """Three years of a small shop: weighings, tickets, exits, and the rows to refuse."""
    yield from generated_shop(weighings=3000, sale_lines=2000, exit_weighings=300, years=3)


@pytest.fixture
def mapping_file(shop: Shop, tmp_path: Path) -> Path:
    """The mapping the shop's admin settled on."""
    path = tmp_path / "correspondances.yaml"
    path.write_text(shop.mapping_yaml(), encoding="utf-8")
    return path
