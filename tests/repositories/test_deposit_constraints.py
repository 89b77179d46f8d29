"""The database itself refuses impossible deposits (CHECK constraints), whatever the code."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.exc import IntegrityError

from recyclic.core.database import Database
from recyclic.models.deposit import DepositStatus
from tests.factories import Factory


@pytest.mark.parametrize(
    "fields",
    [
        {"quantity": 0},
        {"weight_g": 0},
        {"weight_g": -500},
        {"ai_confidence": 101},
        {"postal_code": "1400"},
        {"category": "NOPE"},
        # Validated without its weight: the reports could not sum it.
        {"status": DepositStatus.VALIDATED, "weight_g": None},
    ],
)
async def test_impossible_deposits_are_refused_by_the_database(
    factory: Factory, fields: dict[str, Any]
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    status = fields.pop("status", DepositStatus.DRAFT)
    with pytest.raises(IntegrityError):
        await factory.deposit(site, user, status=status, **fields)


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "lost"), ("channel", "drone"), ("destination", "sea"), ("ai_provider", "x")],
)
async def test_enum_columns_are_checked_by_the_database(
    factory: Factory, database: Database, column: str, value: str
) -> None:
    site = await factory.site()
    user = await factory.user(site)
    deposit = await factory.deposit(site, user)
    with pytest.raises(IntegrityError):
        async with database.unit_of_work() as session:
            # Raw SQL: the ORM's Enum types would refuse the value before the database does.
            statement = text(f"UPDATE deposits SET {column} = :value WHERE id = :id")  # noqa: S608
            await session.execute(
                statement.bindparams(bindparam("id", type_=Uuid())),
                {"value": value, "id": deposit.id},
            )
