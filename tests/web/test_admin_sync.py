"""The sync page over HTTP: admins only; targets and the log of the own site only; "run now"
enqueues the job the API would (409 in French when nothing is configured); settings saved with
a stored secret never sent back (write-only: empty keeps it, a box removes it)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import httpx

from recyclic.core.database import Database
from recyclic.models.outbox import OutboxJob
from recyclic.models.sync_log import SyncLog, SyncStatus
from recyclic.models.user import Role
from recyclic.repositories.site_repository import SiteRepository
from tests.factories import Factory, auth_headers
from tests.web.test_admin_categories import write_headers

SECRET = "mot-de-passe-tres-secret-42"
KEY = '{"type": "service_account", "private_key": "CLE-PRIVEE-SECRETE"}'


def _post(client: httpx.AsyncClient, url: str, pairs: dict[str, str], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        content=urlencode(pairs).encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )


async def test_settings_never_echo_a_stored_secret(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    form = {
        "kdrive_url": "https://webdav.example/recyclic",
        "kdrive_username": "boutique",
        "kdrive_password": SECRET,
        "google_sheets_spreadsheet_id": "1AbC",
        "google_sheets_credentials_json": KEY,
        "sync_hour": "4",
    }
    refused = await _post(client, "/admin/synchronisation/reglages", form, auth_headers(admin))
    assert refused.status_code == 403
    saved = await _post(
        client, "/admin/synchronisation/reglages", form, write_headers(client, admin)
    )
    assert saved.status_code == 200, saved.text
    html = saved.text
    assert "Réglages de synchronisation enregistrés." in html
    assert SECRET not in html
    assert "CLE-PRIVEE" not in html
    assert 'data-secret-set="kdrive_password"' in html
    assert 'data-secret-set="google_sheets_credentials"' in html
    assert 'value="https://webdav.example/recyclic"' in html
    page = (await client.get("/admin/synchronisation", headers=auth_headers(admin))).text
    assert SECRET not in page
    assert "CLE-PRIVEE" not in page
    assert "laisser vide pour garder" in page

    async def stored_config() -> dict[str, object]:
        async with database.unit_of_work() as session:
            row = await SiteRepository(session).get(site.id)
            assert row is not None
            return dict(row.sync_config or {})

    config = await stored_config()
    encrypted = config["kdrive_password_enc"]
    assert SECRET not in str(config)

    # Empty: kept as it was. The plain fields change.
    kept = {**form, "kdrive_password": "", "google_sheets_credentials_json": "", "sync_hour": "5"}
    response = await _post(
        client, "/admin/synchronisation/reglages", kept, write_headers(client, admin)
    )
    assert response.status_code == 200
    config = await stored_config()
    assert config["kdrive_password_enc"] == encrypted
    assert "google_sheets_credentials_enc" in config

    # A mistake: the form comes back without any secret, even the one just typed.
    bad = {**form, "kdrive_url": "ftp://ailleurs", "sync_hour": "31"}
    response = await _post(
        client, "/admin/synchronisation/reglages", bad, write_headers(client, admin)
    )
    assert response.status_code == 422
    assert 'id="e-kdrive_url"' in response.text
    assert 'id="e-sync_hour"' in response.text
    assert SECRET not in response.text
    assert "CLE-PRIVEE" not in response.text
    assert (await stored_config())["kdrive_password_enc"] == encrypted

    # The box removes a stored secret.
    forget = {**kept, "forget_kdrive_password": "true"}
    await _post(client, "/admin/synchronisation/reglages", forget, write_headers(client, admin))
    config = await stored_config()
    assert "kdrive_password_enc" not in config
    assert "google_sheets_credentials_enc" in config


async def test_run_now_and_the_log_of_ones_own_site(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    viewer = await factory.user(site, role=Role.VIEWER)
    assert (
        await client.get("/admin/synchronisation", headers=auth_headers(viewer))
    ).status_code == 403

    # Nothing configured: the API's French 409, nothing enqueued.
    refused = await client.post(
        "/admin/synchronisation/lancer", headers=write_headers(client, admin)
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "sync_not_configured"

    async with database.unit_of_work() as session:
        row = await SiteRepository(session).get(site.id)
        assert row is not None
        row.sync_config = {"kdrive_url": "https://webdav.example/x", "kdrive_username": "u"}
        run = uuid.uuid4()
        for n, status in enumerate((SyncStatus.SUCCESS, SyncStatus.FAILED)):
            session.add(
                SyncLog(
                    site_id=site.id, run_id=run, service="kdrive", operation="webdav.upload",
                    target=f"/recyclic/fichier-{n}.csv", status=status, attempt=1,
                    error="HTTP 507 espace plein" if status == SyncStatus.FAILED else None,
                )
            )  # fmt: skip
        session.add(
            SyncLog(
                site_id=other.id, service="kdrive", operation="webdav.upload",
                target="/autre-site.csv", status=SyncStatus.SUCCESS, attempt=1,
            )
        )  # fmt: skip

    html = (await client.get("/admin/synchronisation", headers=auth_headers(admin))).text
    assert "fichier-0.csv" in html
    assert "HTTP 507 espace plein" in html
    assert "autre-site.csv" not in html
    assert "Réglée pour ce site" in html
    failed = (
        await client.get(
            "/admin/synchronisation", params={"statut": "failed"}, headers=auth_headers(admin)
        )
    ).text
    assert "fichier-1.csv" in failed
    assert "fichier-0.csv" not in failed

    accepted = await client.post(
        "/admin/synchronisation/lancer", headers=write_headers(client, admin)
    )
    assert accepted.status_code == 200, accepted.text
    assert "Synchronisation demandée" in accepted.text
    async with database.unit_of_work() as session:
        from sqlalchemy import select

        jobs = list(await session.scalars(select(OutboxJob).where(OutboxJob.site_id == site.id)))
    assert [job.task for job in jobs] == ["sync_site"]

    elsewhere = await client.post(
        f"/admin/synchronisation/lancer?site_id={other.id}", headers=write_headers(client, admin)
    )
    assert elsewhere.status_code == 404
