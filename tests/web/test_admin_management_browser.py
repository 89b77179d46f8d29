"""Exports, journal verification, categories, site settings, sync and audit in Debian's
chromium: the downloaded Ecologic file is the API's, a tampered journal names its first broken
entry, a category is edited, a stored secret is never shown, filters live in the URL; each role
sees only what it may; axe finds nothing critical or serious."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from recyclic.core.database import Database
from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from tests.factories import auth_headers
from tests.web.admin import AdminPages
from tests.web.conftest import PIN, BrowserPage, WebShop
from tests.web.test_admin_exports import without_generated_at
from tests.web.test_admin_journal import tamper_payload


@pytest.mark.browser_widgets  # empty date or month fields in the screenshot
async def test_a_viewer_downloads_the_ecologic_export_the_api_gives(
    web_page: BrowserPage, web_shop: WebShop, tmp_path: Path
) -> None:
    shop, factory = web_shop, web_shop.factory
    for weight in (12_000, 3_500):
        await factory.deposit(
            shop.site, shop.cashier, status=DepositStatus.VALIDATED, category="EEE-4",
            weight_g=weight,
        )  # fmt: skip
    viewer = await factory.user(shop.site, role=Role.VIEWER, full_name="Vera Lecture", pin=PIN)
    admin = AdminPages(web_page)
    await admin.login(viewer, "/admin/exports")
    page = web_page.page
    assert await admin.heading() == "Exports"
    # A viewer is not offered what only admins may download.
    assert await page.locator('option[value="accounting"]').count() == 0
    assert await page.locator('option[value="journal-archive"]').count() == 0
    await admin.check("exports-viewer")

    month = datetime.now(ZoneInfo(shop.site.timezone)).strftime("%Y-%m")
    await page.select_option("#export-kind", "ecologic")
    await page.fill("#export-month", month)
    await page.check('input[name="format"][value="csv-fr"]')
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Télécharger").click()
    download = await info.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    assert download.suggested_filename == f"ecologic_{shop.site.slug}_{month}_fr.csv"
    await page.wait_for_selector("[data-download-status]:has-text('Fichier téléchargé')")
    # The token never went into a URL: the page asked its own route with a header.
    assert "token" not in download.url
    assert "Bearer" not in download.url

    async with httpx.AsyncClient(base_url=web_page.base_url) as api:
        response = await api.get(
            "/api/v1/exports/ecologic",
            params={"period": "monthly", "date": month, "format": "csv-fr"},
            headers=auth_headers(viewer),
        )
    assert response.status_code == 200
    ours = saved.read_bytes()
    assert without_generated_at(ours) == without_generated_at(response.content)
    assert b"15,500" in ours

    # A mistake is said beside the form, in French.
    await page.check('input[name="periode"][value="dates"]')
    await page.fill("#export-from", "2026-11-30")
    await page.fill("#export-to", "2026-11-01")
    await page.get_by_role("button", name="Télécharger").click()
    error = page.locator("#export-form [data-form-error]")
    await error.wait_for(state="visible")
    assert await error.inner_text() == "La date de fin précède la date de début."
    await admin.check("exports-error")


async def test_an_admin_verifies_the_journal_and_sees_the_first_broken_entry(
    web_page: BrowserPage, web_shop: WebShop, web_db: Database
) -> None:
    shop, factory = web_shop, web_shop.factory
    till = await factory.open_session(shop.register, shop.cashier)
    for _ in range(2):
        await factory.sale(till, shop.cashier)
    admin = AdminPages(web_page)
    await admin.login(shop.admin)
    await admin.follow("Vérification du journal")
    page = web_page.page
    await page.get_by_role("button", name="Vérifier le journal").click()
    await admin.settled()
    assert "verifier=1" in page.url
    assert await page.inner_text("[data-journal] h2") == "Journal intact"
    assert "3 écritures vérifiées" in await page.inner_text("[data-journal]")
    await admin.check("journal-ok")

    await tamper_payload(web_db, shop.site, 2, '"total_cents":1200', '"total_cents":12')
    await page.get_by_role("button", name="Vérifier à nouveau").click()
    await admin.settled()
    assert await page.inner_text("[data-journal] h2") == "Journal altéré"
    assert await page.inner_text("[data-broken-seq]") == "n° 2"
    assert '"total_cents":12' in await page.inner_text("pre.payload")
    await admin.check("journal-broken", full_page=True)


async def test_an_admin_edits_a_category(web_page: BrowserPage, web_shop: WebShop) -> None:
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    await admin.follow("Catégories")
    page = web_page.page
    await admin.check("categories", full_page=True)
    await page.get_by_role("link", name="Modifier Vaisselle et cuisine").click()
    await admin.settled()
    assert await admin.heading() == "Catégorie VAI"
    # A mistake comes back in the form, beside its field.
    await page.fill("#f-price_min", "deux euros")
    await page.get_by_role("button", name="Enregistrer").click()
    await admin.settled()
    assert await page.get_attribute("#f-price_min", "aria-invalid") == "true"
    assert await page.inner_text("#e-price_min")
    await admin.check("category-error")
    await page.fill("#f-price_min", "1,50")
    await page.fill("#f-default_unit_weight_kg", "0,8")
    await page.fill("#f-site_eco_organism", "ecomaison")
    await page.get_by_role("button", name="Enregistrer").click()
    await admin.settled()
    notice = await page.inner_text("[data-saved]")
    assert notice == "Catégorie « Vaisselle et cuisine » enregistrée."
    assert page.url.endswith("/admin/categories")
    row = page.locator('tr[data-category="VAI"]')
    assert "1,50" in await row.inner_text()
    assert "ecomaison" in await row.inner_text()
    # Reloading shows what was stored.
    await page.reload()
    await admin.settled()
    assert "ecomaison" in await page.locator('tr[data-category="VAI"]').inner_text()
    # Categories are shared by the whole test server: put this one back as it was.
    async with httpx.AsyncClient(base_url=web_page.base_url) as api:
        restored = await api.patch(
            "/api/v1/categories/VAI",
            json={"price_min": None, "default_unit_weight_kg": None},
            headers=auth_headers(web_shop.admin),
        )
    assert restored.status_code == 200


async def test_an_admin_creates_a_category(web_page: BrowserPage, web_shop: WebShop) -> None:
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    await admin.follow("Catégories")
    page = web_page.page
    await page.get_by_role("link", name="Nouvelle catégorie").click()
    await admin.settled()
    assert await admin.heading() == "Nouvelle catégorie"
    # Categories are shared by the whole test server: this one is created inactive, so the
    # till and the reception desk of the other tests do not offer it.
    code = f"T{uuid.uuid4().hex[:6].upper()}"
    await page.fill("#f-code", code.lower())
    await page.fill("#f-family", "MOB")
    await page.fill("#f-label", "Vélos et trottinettes")
    await page.fill("#f-default_unit_weight_kg", "14")
    await page.get_by_label("Active (proposée à la caisse et à la réception)").uncheck()
    await admin.check("category-new", full_page=True)
    await page.get_by_role("button", name="Créer la catégorie").click()
    await admin.settled()
    notice = await page.inner_text("[data-saved]")
    assert notice == "Catégorie « Vélos et trottinettes » enregistrée."
    row = page.locator(f'tr[data-category="{code}"]')
    assert "Désactivée" in await row.inner_text()
    assert "14 kg" in await row.inner_text()


async def test_an_admin_changes_the_site_settings(web_page: BrowserPage, web_shop: WebShop) -> None:
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    await admin.follow("Réglages du site")
    page = web_page.page
    await page.get_by_label("Assujettie (taux des catégories)").check()
    await page.fill("#s-cash_variance_threshold", "3,50")
    await page.get_by_label("Monnaie locale").check()
    await page.get_by_label("Libellé du bouton 1").fill("Sac de vêtements")
    await page.get_by_label("Catégorie du bouton 1").fill("XYZ")
    await page.get_by_label("Prix du bouton 1").fill("5")
    await page.get_by_role("button", name="Enregistrer les réglages").click()
    # A rule of the service (unknown category): said beside the form, nothing swapped away.
    error = page.locator(".settings-form > [data-form-error]")
    await error.wait_for(state="visible")
    assert "XYZ" in await error.inner_text()
    admin.forget_expected_failures(422)
    await page.get_by_label("Catégorie du bouton 1").fill("TLC")
    await page.get_by_role("button", name="Enregistrer les réglages").click()
    await page.wait_for_selector("[data-saved]")
    await admin.settled()
    assert await page.input_value("#s-cash_variance_threshold") == "3,50"
    assert await page.is_checked('input[name="vat_mode"][value="standard"]')
    assert await page.input_value('input[name="preset_label"] >> nth=0') == "Sac de vêtements"
    await page.reload()
    await admin.settled()
    assert await page.is_checked('input[name="payment_methods"][value="local_currency"]')
    await admin.check("settings", full_page=True)


async def test_sync_settings_never_show_a_stored_secret(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    secret = "kdrive-mot-de-passe-7731"
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    await admin.follow("Synchronisation")
    page = web_page.page
    # Nothing configured yet: "run now" says so in French.
    await page.get_by_role("button", name="Synchroniser maintenant").click()
    error = page.locator('form[hx-post$="/lancer"] [data-form-error]')
    await error.wait_for(state="visible")
    assert "Aucune synchronisation" in await error.inner_text()
    admin.forget_expected_failures(409)
    await page.fill("#y-kdrive_url", "https://webdav.invalid/recyclic")
    await page.fill("#y-kdrive_username", "boutique")
    await page.fill("#y-kdrive_password", secret)
    await page.get_by_role("button", name="Enregistrer les réglages").click()
    await page.wait_for_selector("[data-notice]")
    await admin.settled()
    assert await page.input_value("#y-kdrive_password") == ""
    assert await page.get_attribute("#y-kdrive_password", "placeholder") == (
        "laisser vide pour garder"
    )
    assert secret not in await page.content()
    await page.reload()
    await admin.settled()
    assert secret not in await page.content()
    assert await page.locator('[data-secret-set="kdrive_password"]').count() == 1
    assert "Réglée pour ce site" in await page.inner_text('tr[data-target="kdrive"]')
    # Run now: a job is enqueued (it runs in the background).
    await page.get_by_role("button", name="Synchroniser maintenant").click()
    await page.wait_for_selector("[data-notice]:has-text('Synchronisation demandée')")
    await admin.settled()
    await admin.check("sync", full_page=True)


@pytest.mark.browser_widgets  # empty date or month fields in the screenshot
async def test_audit_filters_live_in_the_url(web_page: BrowserPage, web_shop: WebShop) -> None:
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    page = web_page.page
    # Something to audit: a category's change through the page.
    await admin.open("/admin/categories/DEC")
    await page.fill("#f-display_order", "175")
    await page.get_by_role("button", name="Enregistrer").click()
    await page.wait_for_selector("[data-saved]")
    await admin.settled()
    await admin.follow("Journal d'audit")
    await page.select_option("#audit-action", "category.")
    await page.select_option("#audit-actor", str(web_shop.admin.id))
    await page.get_by_role("button", name="Filtrer").click()
    await admin.settled()
    assert "action=category." in page.url
    assert f"auteur={web_shop.admin.id}" in page.url
    rows = page.locator("#t-audit tbody tr[data-audit]")
    assert await rows.count() >= 1
    assert await rows.first.get_attribute("data-action") == "category.update"
    assert "175" in await rows.first.inner_text()
    # A reload (or a shared link) shows the same list.
    await page.reload()
    await admin.settled()
    assert await page.input_value("#audit-action") == "category."
    assert await rows.first.get_attribute("data-action") == "category.update"
    await admin.check("audit")
    async with httpx.AsyncClient(base_url=web_page.base_url) as api:
        await api.patch(
            "/api/v1/categories/DEC", json={"display_order": 170},
            headers=auth_headers(web_shop.admin),
        )  # fmt: skip


async def test_a_viewer_sees_exports_only_and_is_refused_the_rest(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    viewer = await web_shop.factory.user(web_shop.site, role=Role.VIEWER, pin=PIN)
    admin = AdminPages(web_page)
    await admin.login(viewer)
    labels = await admin.nav_labels()
    assert "Exports" in labels
    for hidden in ("Vérification du journal", "Catégories", "Réglages du site",
                   "Synchronisation", "Journal d'audit"):  # fmt: skip
        assert hidden not in labels
    for path in ("/admin/journal", "/admin/categories", "/admin/reglages",
                 "/admin/synchronisation", "/admin/audit"):  # fmt: skip
        await admin.open(path)
        assert await admin.heading() == "Accès refusé", path
    admin.forget_expected_failures(403)
    # Another site's category page, typed in the URL: not found.
    other = await web_shop.factory.site()
    await admin.open(f"/admin/exports?site_id={other.id}")
    assert await admin.heading() == "Page introuvable"
    admin.forget_expected_failures(404)


@pytest.mark.browser_widgets  # empty date or month fields in the screenshot
async def test_a_super_admin_edits_the_chosen_sites_settings(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    other = await web_shop.factory.site(name="Antenne Sud")
    chief = await web_shop.factory.user(web_shop.site, role=Role.SUPER_ADMIN, pin=PIN)
    admin = AdminPages(web_page)
    await admin.login(chief, "/admin/reglages")
    await web_page.page.select_option("#site-switch", str(other.id))
    await admin.settled()
    page = web_page.page
    assert await page.input_value("#s-name") == "Antenne Sud"
    await page.fill("#s-receipt_footer", "Merci, Antenne Sud !")
    await page.get_by_role("button", name="Enregistrer les réglages").click()
    await page.wait_for_selector("[data-saved]")
    await admin.settled()
    assert f"site_id={other.id}" in page.url
    await admin.follow("Journal d'audit")
    assert f"site_id={other.id}" in page.url
    assert "site.update" in await page.inner_text("#t-audit")
    await admin.check("audit-super-admin")
