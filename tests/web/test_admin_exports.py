"""The exports page over HTTP: each role is offered what the API lets it download, the file is
the API's (same bytes for the same period and format), another site's id is a 404, a bad
period is a French 422."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from tests.factories import Factory, auth_headers


def without_generated_at(content: bytes) -> list[bytes]:
    """The lines of an eco-organism CSV without their last field (`generated_at`, the
    instant the file was made: the only difference between two files of the same request)."""
    lines = content.split(b"\r\n")
    separator = b";" if lines[0].count(b";") > lines[0].count(b",") else b","
    assert lines[0].endswith(separator + b"generated_at")
    return [line.rsplit(separator, 1)[0] for line in lines if line]


def _same_file(ours: bytes, theirs: bytes) -> None:
    assert without_generated_at(ours) == without_generated_at(theirs)


async def test_a_viewer_is_offered_the_eco_and_table_exports_only(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    response = await client.get("/admin/exports", headers=auth_headers(viewer))
    assert response.status_code == 200
    html = response.text
    assert '<option value="ecologic" selected>' in html
    assert 'value="sales"' in html
    assert 'value="accounting"' not in html
    assert 'value="journal-archive"' not in html
    assert 'data-download="/admin/exports/fichier"' in html

    admin = await factory.user(site, role=Role.ADMIN)
    html = (await client.get("/admin/exports", headers=auth_headers(admin))).text
    assert 'value="accounting"' in html
    assert 'value="journal-archive"' in html


async def test_the_page_file_is_the_api_file(client: httpx.AsyncClient, factory: Factory) -> None:
    site = await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    for weight in (12_000, 3_500):
        await factory.deposit(
            site, viewer, status=DepositStatus.VALIDATED, category="EEE-4", weight_g=weight
        )
    label = datetime.now(ZoneInfo(site.timezone)).strftime("%Y-%m")
    for fmt in ("csv", "csv-fr"):
        ours = await client.get(
            "/admin/exports/fichier",
            params={"export": "ecologic", "periode": "mois", "mois": label, "format": fmt},
            headers=auth_headers(viewer),
        )
        assert ours.status_code == 200, ours.text
        theirs = await client.get(
            "/api/v1/exports/ecologic",
            params={"period": "monthly", "date": label, "format": fmt},
            headers=auth_headers(viewer),
        )
        assert theirs.status_code == 200
        assert ours.headers["content-disposition"] == theirs.headers["content-disposition"]
        assert ours.headers["cache-control"] == "no-store"
        _same_file(ours.content, theirs.content)
    assert b"15.500" in ours.content or b"15,500" in ours.content

    # A table over a month is the API's table over the month's first and last days.
    ours = await client.get(
        "/admin/exports/fichier",
        params={"export": "deposits", "periode": "dates", "du": f"{label}-01", "au": f"{label}-28"},
        headers=auth_headers(viewer),
    )
    theirs = await client.get(
        "/api/v1/exports/deposits",
        params={"from": f"{label}-01", "to": f"{label}-28"},
        headers=auth_headers(viewer),
    )
    assert ours.status_code == theirs.status_code == 200
    assert ours.content == theirs.content


async def test_accounting_and_the_archive_are_for_admins(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site = await factory.site()
    viewer = await factory.user(site, role=Role.VIEWER)
    admin = await factory.user(site, role=Role.ADMIN)
    params = {"export": "accounting", "periode": "annee", "annee": "2026"}
    url = "/admin/exports/fichier"
    refused = await client.get(url, params=params, headers=auth_headers(viewer))
    assert refused.status_code == 403
    accepted = await client.get(url, params=params, headers=auth_headers(admin))
    assert accepted.status_code == 200
    assert accepted.headers["content-disposition"].startswith("attachment")

    archive = await client.get(
        "/admin/exports/fichier",
        params={"export": "journal-archive", "periode": "annee", "annee": "2026"},
        headers=auth_headers(admin),
    )
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    assert archive.content[:2] == b"PK"


async def test_bad_choices_are_french_422s_and_other_sites_404(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    headers = auth_headers(admin)
    no_month = await client.get(
        "/admin/exports/fichier", params={"export": "ecologic", "periode": "mois"}, headers=headers
    )
    assert no_month.status_code == 422
    assert no_month.json()["detail"] == "Choisissez le mois de l'export."
    wrong = await client.get(
        "/admin/exports/fichier",
        params={"export": "ecologic", "periode": "dates", "du": "2026-11-30", "au": "2026-11-01"},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "invalid_period"
    archive_by_month = await client.get(
        "/admin/exports/fichier",
        params={"export": "journal-archive", "periode": "mois", "mois": "2026-11"},
        headers=headers,
    )
    assert archive_by_month.status_code == 422
    assert "annuelle" in archive_by_month.json()["detail"]
    unknown = await client.get(
        "/admin/exports/fichier",
        params={"export": "eco:inconnu", "periode": "mois", "mois": "2026-11"},
        headers=headers,
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "unknown_eco_organism"
    for path in ("/admin/exports", "/admin/exports/fichier"):
        response = await client.get(
            path,
            params={"site_id": str(other.id), "export": "ecologic", "mois": "2026-11"},
            headers=headers,
        )
        assert response.status_code == 404, path
