"""Keyset pagination of the generic repository."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recyclic.core.database import Database
from recyclic.models.user import User
from recyclic.repositories.base import InvalidCursor, encode_cursor
from recyclic.repositories.user_repository import UserRepository
from tests.factories import Factory


async def test_pages_cover_every_row_once_in_order(factory: Factory, database: Database) -> None:
    site = await factory.site()
    created = [await factory.user(site) for _ in range(23)]
    seen = []
    cursor = None
    async with database.unit_of_work(write=False) as session:
        repository = UserRepository(session)
        statement = select(User).where(User.site_id == site.id)
        while True:
            page = await repository.paginate(
                statement, keys=(User.created_at, User.id), limit=5, cursor=cursor
            )
            seen.extend(u.id for u in page.items)
            assert len(page.items) <= 5
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    expected = [u.id for u in sorted(created, key=lambda u: (u.created_at, u.id), reverse=True)]
    assert seen == expected


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "e30",
        encode_cursor(["2026-01-01T00:00:00+00:00"]),
        encode_cursor([1, 2]),
        encode_cursor(["2026-01-01T00:00:00", "not-a-uuid"]),
    ],
)
async def test_a_forged_cursor_is_refused(database: Database, cursor: str) -> None:
    async with database.unit_of_work(write=False) as session:
        with pytest.raises(InvalidCursor):
            await UserRepository(session).paginate(
                select(User), keys=(User.created_at, User.id), cursor=cursor
            )
