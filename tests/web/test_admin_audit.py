"""The audit log page over HTTP: admins only, the own site's entries (and the shared
categories'), filters by actor, action, entity and period, keyset pages whose links keep the
filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import httpx

from recyclic.core.database import Database
from recyclic.models.audit import AuditLog
from recyclic.models.user import Role
from tests.factories import Factory, auth_headers


async def test_filters_and_pages(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN, full_name="Claire Admin")
    helper = await factory.user(site, role=Role.ADMIN, full_name="Paul Aide")
    viewer = await factory.user(site, role=Role.VIEWER)
    stranger = await factory.user(other, role=Role.ADMIN)
    now = datetime.now(UTC)
    async with database.unit_of_work() as session:
        for n in range(60):
            session.add(
                AuditLog(
                    site_id=site.id, actor_id=admin.id, action="user.update",
                    entity_type="user", entity_id=str(viewer.id),
                    before={"role": "viewer"}, after={"role": f"viewer-{n}"},
                    created_at=now - timedelta(minutes=n),
                )
            )  # fmt: skip
        session.add(
            AuditLog(
                site_id=site.id, actor_id=helper.id, action="sale.refund",
                entity_type="sale", entity_id="vente-42", before=None,
                after={"amount": "<script>alert(1)</script>"},
                created_at=now - timedelta(days=40),
            )
        )  # fmt: skip
        session.add(
            AuditLog(
                site_id=other.id, actor_id=stranger.id, action="site.update",
                entity_type="site", entity_id=str(other.id), created_at=now,
            )
        )  # fmt: skip

    assert (await client.get("/admin/audit", headers=auth_headers(viewer))).status_code == 403
    first = await client.get("/admin/audit", headers=auth_headers(admin))
    assert first.status_code == 200
    html = first.text
    assert html.count('data-audit="') == 50
    assert "site.update" not in html
    assert "Claire Admin" in html
    next_link = re.search(r'data-next href="([^"]+)"', html)
    assert next_link is not None
    second = await client.get(unescape(next_link.group(1)), headers=auth_headers(admin))
    assert second.text.count('data-audit="') == 11
    assert "vente-42" in second.text
    # User text is escaped.
    assert "<script>alert(1)</script>" not in second.text
    assert "&lt;script&gt;" in second.text or "\\u003cscript" in second.text

    refunds = await client.get(
        "/admin/audit", params={"action": "sale.refund"}, headers=auth_headers(admin)
    )
    assert refunds.text.count('data-audit="') == 1
    by_helper = await client.get(
        "/admin/audit", params={"auteur": str(helper.id)}, headers=auth_headers(admin)
    )
    assert by_helper.text.count('data-audit="') == 1
    users = await client.get(
        "/admin/audit", params={"objet": "user", "action": "user."}, headers=auth_headers(admin)
    )
    assert users.text.count('data-audit="') == 50
    # The next page's link keeps the filters.
    link = re.search(r'data-next href="([^"]+)"', users.text)
    assert link is not None
    assert "objet=user" in link.group(1)
    assert "action=user." in link.group(1)
    old = (now - timedelta(days=40)).date()
    period = await client.get(
        "/admin/audit",
        params={
            "du": (old - timedelta(days=1)).isoformat(),
            "au": (old + timedelta(days=1)).isoformat(),
        },
        headers=auth_headers(admin),
    )
    assert period.text.count('data-audit="') == 1
    wrong = await client.get(
        "/admin/audit", params={"du": "2026-11-30", "au": "2026-11-01"}, headers=auth_headers(admin)
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "invalid_period"
    # The filter form sends its empty fields: no filter, not an error.
    blank = {"auteur": "", "action": "", "objet": "", "identifiant": "", "du": "", "au": ""}
    unfiltered = await client.get("/admin/audit", params=blank, headers=auth_headers(admin))
    assert unfiltered.status_code == 200
    assert unfiltered.text.count('data-audit="') == 50
    elsewhere = await client.get(
        "/admin/audit", params={"site_id": str(other.id)}, headers=auth_headers(admin)
    )
    assert elsewhere.status_code == 404
