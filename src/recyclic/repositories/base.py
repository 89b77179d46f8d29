"""The generic repository: typed reads and writes, no commit, keyset pagination.

Repositories hold every SQL statement of the application. They `flush` when an id or a
constraint check is needed now, and never commit: the unit of work at the edge does.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import Base

ModelT = TypeVar("ModelT", bound=Base)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"
    message = "Curseur de pagination invalide."


@dataclass(slots=True)
class KeysetPage(Generic[ModelT]):
    """A page of rows and the opaque cursor of the next page (None on the last)."""

    items: list[ModelT]
    next_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decode_value(raw: Any, python_type: type[Any]) -> Any:
    if python_type is datetime:
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            raise ValueError("naive timestamp in cursor")
        return parsed
    if python_type is date:
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError("not a date")
        return date.fromisoformat(raw)
    if python_type is uuid.UUID:
        return uuid.UUID(raw)
    if python_type is int and isinstance(raw, bool):
        raise ValueError("boolean in cursor")
    if not isinstance(raw, python_type):
        raise ValueError("unexpected cursor value")
    return raw


def encode_cursor(values: Sequence[Any]) -> str:
    """Key values of the last row seen → an opaque URL-safe token."""
    payload = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[InstrumentedAttribute[Any]]) -> list[Any]:
    """The inverse of `encode_cursor`, checked against the key columns' types."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError("wrong arity")
        return [_decode_value(v, k.type.python_type) for v, k in zip(raw, keys, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor() from None


class BaseRepository(Generic[ModelT]):
    """CRUD and pagination for one model; subclasses add queries in domain terms."""

    model: ClassVar[type[Base]]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def base_statement(self) -> Select[ModelT]:
        """`SELECT model`; subclasses narrow it (site scope, default loading options)."""
        return select(self.model)

    async def get(self, id: Any) -> ModelT | None:
        """The row with this primary key, or None."""
        return await self.session.get(cast("type[ModelT]", self.model), id)

    async def one_or_none(self, statement: Select[ModelT]) -> ModelT | None:
        """The single row of `statement`, or None."""
        result = await self.session.execute(statement)
        return result.scalars().unique().one_or_none()

    async def all(self, statement: Select[ModelT]) -> list[ModelT]:
        """Every row of `statement`."""
        result = await self.session.execute(statement)
        return list(result.scalars().unique().all())

    async def add(self, obj: ModelT, *, flush: bool = True) -> ModelT:
        """Stage a new row; flush now by default so constraint errors surface here."""
        self.session.add(obj)
        if flush:
            await self.session.flush()
        return obj

    async def update(self, obj: ModelT, values: dict[str, Any], *, flush: bool = True) -> ModelT:
        """Set attributes on a loaded row."""
        for key, value in values.items():
            setattr(obj, key, value)
        if flush:
            await self.session.flush()
        return obj

    async def delete(self, obj: ModelT, *, flush: bool = True) -> None:
        """Delete a loaded row."""
        await self.session.delete(obj)
        if flush:
            await self.session.flush()

    async def paginate(
        self,
        statement: Select[ModelT],
        *,
        keys: Sequence[InstrumentedAttribute[Any]],
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        descending: bool = True,
    ) -> KeysetPage[ModelT]:
        """Keyset pagination on `keys` (unique together, e.g. created_at then id).

        The next page starts strictly after the last row seen, using the index on `keys`,
        so a deep page costs the same as the first.
        """
        return await self._keyset(statement, keys, limit, cursor, descending, lambda s: self.all(s))

    async def paginate_rows(
        self,
        statement: Select[Any],
        *,
        keys: Sequence[InstrumentedAttribute[Any]],
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        descending: bool = True,
    ) -> KeysetPage[Any]:
        """`paginate` for a Core select of columns: plain rows, no ORM objects to build
        (listings of hundreds of rows spend most of their time hydrating objects)."""

        async def fetch(final: Select[Any]) -> list[Any]:
            return list((await self.session.execute(final)).all())

        return await self._keyset(statement, keys, limit, cursor, descending, fetch)

    async def _keyset(
        self,
        statement: Select[Any],
        keys: Sequence[InstrumentedAttribute[Any]],
        limit: int,
        cursor: str | None,
        descending: bool,
        fetch: Callable[[Select[Any]], Awaitable[list[Any]]],
    ) -> KeysetPage[Any]:
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        if cursor:
            after = decode_cursor(cursor, keys)
            # A plain tuple on the right is typed column by column from the left side.
            row_key = tuple_(*keys)
            statement = statement.where(
                row_key < tuple(after) if descending else row_key > tuple(after)
            )
        ordering = [k.desc() if descending else k.asc() for k in keys]
        rows = await fetch(statement.order_by(*ordering).limit(limit + 1))
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor([getattr(rows[-1], k.key) for k in keys])
        return KeysetPage(items=rows, next_cursor=next_cursor)
