"""Bulk loading (demo data at scale): COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

_PLAIN = frozenset({str, int, bool, float, type(None)})


def _sqlite_value(value: Any) -> Any:
    # The same storage SQLAlchemy's Uuid and our UTCDateTime use on SQLite. Plain values are
    # the most frequent by far: they are let through first (millions of values per load).
    if type(value) in _PLAIN:
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        # "YYYY-MM-DD HH:MM:SS.ffffff": isoformat is several times faster than strftime.
        return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
    if isinstance(value, date):
        return value.isoformat()
    return value


class BulkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def copy(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert many rows at once, inside the current transaction."""
        if not rows:
            return
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.copy_records_to_table(table, records=rows, columns=list(columns))
            return
        placeholders = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - table and column names are ours
        converted = [tuple(_sqlite_value(v) for v in row) for row in rows]
        await connection.exec_driver_sql(statement, converted)

    async def refresh_statistics(self, tables: Sequence[str]) -> None:
        """Let the planner see a bulk load at once (keyset scans need fresh statistics)."""
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            await connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}")
        else:
            await connection.exec_driver_sql("ANALYZE")
