"""The MariaDB the Oressource import tests read (127.0.0.1:3306, root, no password).

Unreachable, the tests skip with the reason; under CI=true that is a failure instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.support.oressource.history import Shop, drop_database, generate_shop

SOURCE_HOST = "127.0.0.1:3306"


def require_mariadb() -> None:
    """Skip (or fail under CI) when no MariaDB answers."""
    try:
        import pymysql

        pymysql.connect(
            host="127.0.0.1", port=3306, user="root", password="", connect_timeout=3
        ).close()
    except Exception as exc:
        message = f"MariaDB unreachable at {SOURCE_HOST} (root, no password): {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def source_url(shop: Shop) -> str:
    return f"mysql://root@{SOURCE_HOST}/{shop.database}"


def generated_shop(**sizes: int) -> Iterator[Shop]:
    """A throw-away database `h16_…` holding a generated history, dropped afterwards."""
    require_mariadb()
    name = f"h16_{uuid.uuid4().hex[:10]}"
    shop = generate_shop(name, now=datetime.now(), first_year=2021, **sizes)
    try:
        yield shop
    finally:
        drop_database(name)
