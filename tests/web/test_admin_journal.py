"""The journal verification page over HTTP: admins only, the result of the chain's
recomputation, and a tampered entry named with what is stored (escaped)."""

from __future__ import annotations

import httpx
from sqlalchemy import text, update

from recyclic.core.database import Database
from recyclic.models.journal import JournalEntry
from recyclic.models.site import Site
from recyclic.models.user import Role
from tests.factories import Factory, auth_headers


async def tamper_payload(database: Database, site: Site, seq: int, old: str, new: str) -> None:
    """Change one stored entry behind the application's back, then put the guards back (the
    triggers that refuse updates), so that the database stays as strict as before."""
    async with database.unit_of_work() as session:
        if database.dialect == "postgresql":
            await session.execute(text("ALTER TABLE journal_entries DISABLE TRIGGER USER"))
            triggers = []
        else:
            found = await session.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'journal_entries'"
                )
            )
            triggers = list(found.all())
            for name, _ in triggers:
                await session.execute(text(f'DROP TRIGGER "{name}"'))
        entry = await session.scalar(
            text("SELECT payload FROM journal_entries WHERE site_id = :s AND seq = :q"),
            {"s": site.id.hex if database.dialect == "sqlite" else site.id, "q": seq},
        )
        assert entry is not None
        assert old in entry
        await session.execute(
            update(JournalEntry)
            .where(JournalEntry.site_id == site.id, JournalEntry.seq == seq)
            .values(payload=entry.replace(old, new))
        )
        if database.dialect == "postgresql":
            await session.execute(text("ALTER TABLE journal_entries ENABLE TRIGGER USER"))
        for _, sql in triggers:
            await session.execute(text(sql))


async def test_only_admins_verify_the_journal(client: httpx.AsyncClient, factory: Factory) -> None:
    site, other = await factory.site(), await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    admin = await factory.user(site, role=Role.ADMIN)
    assert (await client.get("/admin/journal", headers=auth_headers(viewer))).status_code == 403
    page = await client.get("/admin/journal", headers=auth_headers(admin))
    assert page.status_code == 200
    assert "Vérifier le journal" in page.text
    assert "data-journal" not in page.text
    elsewhere = await client.get(
        "/admin/journal",
        params={"verifier": "1", "site_id": str(other.id)},
        headers=auth_headers(admin),
    )
    assert elsewhere.status_code == 404


async def test_an_intact_then_a_tampered_journal(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    cashier = await factory.user(site)
    till = await factory.open_session(await factory.register(site), cashier)
    for _ in range(3):
        await factory.sale(till, cashier)
    api = (await client.get("/api/v1/journal/verify", headers=auth_headers(admin))).json()
    html = (
        await client.get("/admin/journal", params={"verifier": "1"}, headers=auth_headers(admin))
    ).text
    assert 'data-journal="ok"' in html
    assert f"{api['entries']} écritures vérifiées" in html
    assert api["head_hash"] in html

    await tamper_payload(database, site, 3, '"total_cents":1200', '"total_cents":<b>1</b>')
    api = (await client.get("/api/v1/journal/verify", headers=auth_headers(admin))).json()
    assert api["first_broken_seq"] == 3
    html = (
        await client.get("/admin/journal", params={"verifier": "1"}, headers=auth_headers(admin))
    ).text
    assert 'data-journal="broken"' in html
    assert "n° 3</strong> — le contenu enregistré a été modifié" in html
    assert "Écriture n° 3 telle qu'enregistrée" in html
    # The stored text is shown escaped, never as markup.
    assert "&lt;b&gt;1&lt;/b&gt;" in html
    assert "<b>1</b>" not in html
