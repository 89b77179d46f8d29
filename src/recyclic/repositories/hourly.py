"""Reading a period's sums from the hourly totals (`models/rollups.py`) and the rows.

A period's whole UTC hours are read from an hourly-totals table, the minutes at its edges (if
any) from the rows themselves; the caller sums the parts. Both sides must select the same
columns in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, func, type_coerce
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from recyclic.utils.hours import split_hours

# A SELECT of any columns.
AnySelect = Select[*tuple[Any, ...]]
# Builds a SELECT given the extra WHERE conditions that bound it in time.
Part = Callable[[Sequence[ColumnElement[bool]]], AnySelect]


def _within(
    column: InstrumentedAttribute[datetime], start: datetime | None, end: datetime | None
) -> list[ColumnElement[bool]]:
    bounds = []
    if start is not None:
        bounds.append(column >= start)
    if end is not None:
        bounds.append(column < end)
    return bounds


def hours_and_edges(
    start: datetime | None,
    end: datetime | None,
    *,
    totals: Part,
    hour: InstrumentedAttribute[datetime],
    rows: Part,
    created_at: InstrumentedAttribute[datetime],
) -> list[AnySelect]:
    """The SELECTs covering [start, end): `totals` over its whole hours, `rows` over the rest
    (none when the range is empty)."""
    split = split_hours(start, end)
    parts = []
    if split.hours is not None:
        parts.append(totals(_within(hour, *split.hours)))
    parts.extend(rows(_within(created_at, low, high)) for low, high in split.edges)
    return parts


def blank_if_none(column: Any) -> ColumnElement[str]:
    """An optional (enum) column as the hourly totals key it: its text, '' when absent."""
    return func.coalesce(type_coerce(column, String()), "")
