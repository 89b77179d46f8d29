"""The journal: exact chain formula, append-only, and tampering detected (R9)."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from recyclic.core.database import Database
from recyclic.models.journal import GENESIS_HASH, JournalEntry
from recyclic.models.site import Site
from recyclic.services.cash.journal import JournalService, VerifyResult
from tests.factories import Factory


async def _journaled_site(factory: Factory, sales: int = 5) -> Site:
    site = await factory.site()
    cashier = await factory.user(site)
    session = await factory.open_session(await factory.register(site), cashier)
    for _ in range(sales):
        await factory.sale(session, cashier)
    return site


async def _verify(database: Database, site: Site) -> VerifyResult:
    async with database.unit_of_work(write=False) as session:
        return await JournalService(session).verify(site.id)


async def _entries(database: Database, site: Site) -> list[JournalEntry]:
    async with database.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(JournalEntry).where(JournalEntry.site_id == site.id).order_by(JournalEntry.seq)
        )
        return list(rows)


async def test_chain_follows_the_specified_formula(factory: Factory, database: Database) -> None:
    site = await _journaled_site(factory, sales=3)
    entries = await _entries(database, site)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert [e.kind for e in entries] == ["session_open", "sale", "sale", "sale"]
    prev = GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == prev
        assert entry.hash == hashlib.sha256((prev + entry.payload).encode()).hexdigest()
        payload = json.loads(entry.payload)
        # Canonical text: sorted keys, no spaces, money in cents, UTC "Z" timestamps.
        assert entry.payload == json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert (payload["seq"], payload["kind"], payload["site_id"], payload["ref_id"]) == (
            entry.seq,
            entry.kind,
            str(site.id),
            entry.ref_id,
        )
        assert payload["created_at"].endswith("Z")
        prev = entry.hash
    sale = json.loads(entries[1].payload)
    assert sale["total_cents"] == 1200
    assert sale["lines"][0]["line_total_cents"] == 1200
    result = await _verify(database, site)
    assert result == VerifyResult(True, 4, entries[-1].hash, None)


async def test_the_database_refuses_updates_and_deletes(
    factory: Factory, database: Database
) -> None:
    site = await _journaled_site(factory, sales=1)
    with pytest.raises(DBAPIError):
        async with database.unit_of_work() as session:
            await session.execute(update(JournalEntry).values(kind="x"))
    with pytest.raises(DBAPIError):
        async with database.unit_of_work() as session:
            await session.execute(delete(JournalEntry).where(JournalEntry.site_id == site.id))
    assert (await _verify(database, site)).ok


async def _tamper(database: Database, statement: object) -> None:
    """Change the journal behind the application's back (triggers switched off)."""
    async with database.unit_of_work() as session:
        if database.dialect == "postgresql":
            await session.execute(text("ALTER TABLE journal_entries DISABLE TRIGGER USER"))
        else:
            for name in ("journal_entries_no_update", "journal_entries_no_delete"):
                await session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        await session.execute(statement)  # type: ignore[arg-type]


@pytest.mark.parametrize("target", [1, 3, 6])
async def test_a_changed_payload_is_named(
    factory: Factory, database: Database, target: int
) -> None:
    site = await _journaled_site(factory)
    entry = next(e for e in await _entries(database, site) if e.seq == target)
    forged = entry.payload.replace('"total_cents":1200', '"total_cents":120').replace(
        '"opening_cents":5000', '"opening_cents":500'
    )
    assert forged != entry.payload
    await _tamper(
        database,
        update(JournalEntry)
        .where(JournalEntry.site_id == site.id, JournalEntry.seq == target)
        .values(payload=forged),
    )
    result = await _verify(database, site)
    assert (result.ok, result.first_broken_seq) == (False, target)


async def test_a_rehashed_entry_still_breaks_the_next_link(
    factory: Factory, database: Database
) -> None:
    site = await _journaled_site(factory)
    entry = next(e for e in await _entries(database, site) if e.seq == 3)
    forged = entry.payload.replace('"total_cents":1200', '"total_cents":1')
    new_hash = hashlib.sha256((entry.prev_hash + forged).encode()).hexdigest()
    await _tamper(
        database,
        update(JournalEntry)
        .where(JournalEntry.site_id == site.id, JournalEntry.seq == 3)
        .values(payload=forged, hash=new_hash),
    )
    result = await _verify(database, site)
    assert (result.ok, result.first_broken_seq) == (False, 4)


@pytest.mark.parametrize("target", [2, 6])
async def test_a_deleted_entry_is_named(factory: Factory, database: Database, target: int) -> None:
    site = await _journaled_site(factory)
    await _tamper(
        database,
        delete(JournalEntry).where(JournalEntry.site_id == site.id, JournalEntry.seq == target),
    )
    result = await _verify(database, site)
    assert (result.ok, result.first_broken_seq) == (False, target)


async def test_a_changed_column_is_detected(factory: Factory, database: Database) -> None:
    site = await _journaled_site(factory)
    await _tamper(
        database,
        update(JournalEntry)
        .where(JournalEntry.site_id == site.id, JournalEntry.seq == 4)
        .values(kind="refund"),
    )
    result = await _verify(database, site)
    assert (result.ok, result.first_broken_seq) == (False, 4)


async def test_verify_endpoint(factory: Factory, database: Database, client_as) -> None:
    from recyclic.models.user import Role

    site = await _journaled_site(factory, sales=2)
    admin = await factory.user(site, role=Role.ADMIN)
    body = (await client_as(admin).get("/api/v1/journal/verify")).json()
    assert body["ok"] is True
    assert body["entries"] == 3
    assert body["first_broken_seq"] is None
    await _tamper(
        database, delete(JournalEntry).where(JournalEntry.site_id == site.id, JournalEntry.seq == 2)
    )
    broken = (await client_as(admin).get("/api/v1/journal/verify")).json()
    assert (broken["ok"], broken["first_broken_seq"]) == (False, 2)
