"""Registrations, users, registers and tablets, cash sessions and closings in Debian's
chromium, as a shop admin and a viewer would use them: approve a registration, change a role
and set a PIN, pair this browser to a register then revoke it, read a Z report, close a day;
each role sees only the buttons it may use; axe finds nothing critical or serious."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from recyclic.core.security import verify_pin
from recyclic.models.journal import Closing
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.user_repository import UserRepository
from tests.web.admin import AdminPages
from tests.web.conftest import PIN, BrowserPage, WebShop
from tests.web.test_admin_sessions import close


async def stored(shop: WebShop, user: User) -> User:
    async with shop.factory.database.unit_of_work(write=False) as session:
        found = await UserRepository(session).get(user.id)
        assert found is not None
        return found


def accept_dialogs(page: Any) -> list[str]:
    """Confirm every `hx-confirm` question, remembering what was asked."""
    asked: list[str] = []

    async def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    page.on("dialog", accept)
    return asked


async def test_an_admin_approves_a_registration_with_a_role(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    jeanne = await web_shop.factory.user(
        web_shop.site, status=UserStatus.PENDING, full_name="Jeanne Lefèvre", username="jeanne_l"
    )
    await web_shop.factory.user(web_shop.site, status=UserStatus.PENDING, full_name="Marc Attente")
    admin = AdminPages(web_page)
    page = web_page.page
    await admin.login(web_shop.admin)
    await admin.follow("Inscriptions")
    assert await admin.heading() == "Inscriptions"
    await admin.check("inscriptions")
    card = page.locator(f'li[data-user="{jeanne.id}"]')
    await card.get_by_label("Rôle").select_option("viewer")
    await card.get_by_role("button", name="Approuver").click()
    await admin.settled()
    assert "Jeanne Lefèvre est approuvé·e (Consultation)." in await page.inner_text(".admin-done")
    approved = await stored(web_shop, jeanne)
    assert (approved.status, approved.role) == (UserStatus.APPROVED, Role.VIEWER)
    assert await page.locator("li.registration").count() == 1


async def test_an_admin_changes_a_role_and_sets_a_pin(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    admin = AdminPages(web_page)
    page = web_page.page
    asked = accept_dialogs(page)
    await admin.login(web_shop.admin)
    await admin.follow("Utilisateurs")
    await page.get_by_label("Nom").fill("lucas")
    await page.get_by_role("button", name="Filtrer").click()
    await admin.settled()
    assert "q=lucas" in page.url
    assert await page.locator("#users tbody tr").count() == 1
    await page.get_by_role("link", name="Lucas Caisse").click()
    await admin.settled()
    assert await admin.heading() == "Lucas Caisse"

    await page.get_by_label("Nouveau rôle").select_option("admin")
    await page.get_by_role("button", name="Changer le rôle").click()
    await admin.settled()
    assert "Rôle changé : Administration." in await page.inner_text(".admin-done")
    assert any("Changer le rôle de Lucas Caisse" in question for question in asked)
    assert (await stored(web_shop, web_shop.cashier)).role == Role.ADMIN

    # A PIN too short: the message beside the field, nothing stored.
    await page.get_by_label("Nouveau code PIN (4 à 8 chiffres)").fill("12")
    await page.get_by_role("button", name="Changer le code PIN").click()
    await admin.settled()
    assert "4 à 8 chiffres" in await page.inner_text("#pin-pin-error")
    # Too simple: the service's message in the form's alert.
    await page.get_by_label("Nouveau code PIN (4 à 8 chiffres)").fill("1111")
    await page.get_by_role("button", name="Changer le code PIN").click()
    await admin.settled()
    assert "trop simple" in await page.inner_text("#h-pin ~ form [data-form-error]")
    admin.forget_expected_failures(422)
    await page.get_by_label("Nouveau code PIN (4 à 8 chiffres)").fill("5937")
    await page.get_by_role("button", name="Changer le code PIN").click()
    await admin.settled()
    assert "Code PIN enregistré." in await page.inner_text(".admin-done")
    pin_hash = (await stored(web_shop, web_shop.cashier)).pin_hash
    assert pin_hash is not None
    assert await verify_pin("5937", pin_hash)
    # axe last: it leaves empty `style` attributes that a later swap of the same page would
    # copy (and the strict CSP refuse).
    await admin.check("utilisateur", full_page=True)

    # One's own page: no role, deactivation or anonymisation button.
    await admin.open(f"/admin/utilisateurs/{web_shop.admin.id}")
    assert await page.get_by_role("button", name="Changer le rôle").count() == 0
    assert await page.get_by_role("button", name="Désactiver").count() == 0
    assert await page.get_by_role("button", name="Anonymiser").count() == 0


async def test_an_admin_pairs_this_tablet_then_revokes_it(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    admin = AdminPages(web_page)
    page = web_page.page
    asked = accept_dialogs(page)
    await admin.login(web_shop.admin)
    await admin.follow("Caisses et tablettes")
    card = page.locator(f'[data-register="{web_shop.register.id}"]')
    await card.get_by_label("Nom de cette tablette").fill("Tablette comptoir")
    await card.get_by_role("button", name="Associer cette tablette").click()
    await admin.settled()
    assert "Cette tablette est associée" in await page.inner_text(".admin-done")
    assert await card.locator("tr[data-device]").count() == 1

    async def device_status() -> int:
        return int(
            await page.evaluate(
                "fetch('/api/v1/devices/current', {credentials: 'same-origin'}).then(r => r.status)"
            )
        )

    # The browser now holds the tablet's credential (HttpOnly: only the server reads it).
    assert await device_status() == 200
    await card.get_by_role("button", name="Révoquer").click()
    await admin.settled()
    assert any("Révoquer la tablette « Tablette comptoir »" in q for q in asked)
    assert "révoquée" in await page.inner_text(".admin-done")
    assert await device_status() == 401
    await admin.check("caisses", full_page=True)


@pytest.mark.browser_widgets  # empty date or month fields in the screenshot
async def test_a_viewer_reads_a_z_report_and_the_closings_without_a_button(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, factory = web_shop, web_shop.factory
    till = await factory.open_session(shop.register, shop.cashier)
    await factory.sale(till, shop.cashier)
    await close(factory, till, shop.admin, "62")
    viewer = await factory.user(shop.site, role=Role.VIEWER, full_name="Vera Lecture", pin=PIN)
    admin = AdminPages(web_page)
    page = web_page.page
    await admin.login(viewer)
    labels = await admin.nav_labels()
    assert "Sessions de caisse" in labels
    assert "Clôtures" in labels
    for hidden in ("Caisses et tablettes", "Inscriptions", "Utilisateurs"):
        assert hidden not in labels
    await admin.follow("Sessions de caisse")
    await admin.check("sessions")
    await page.get_by_role("link", name="Rapport Z").first.click()
    await admin.settled()
    assert await admin.heading() == "Rapport Z"
    assert await page.inner_text('[data-figure="net"]') == "12,00 €"
    assert await page.inner_text('[data-figure="variance"]') == "0,00 €"
    await admin.check("session-z", full_page=True)

    await admin.follow("Clôtures")
    assert await page.inner_text('[data-figure="grand-total"]') == "12,00 €"
    assert await page.locator("form[hx-post]").count() == 0
    assert await page.get_by_role("button", name="Clôturer").count() == 0
    await admin.check("clotures-viewer")

    # Another site's session typed in the address: not found, nothing of it shown.
    elsewhere = await factory.site(name="Boutique voisine")
    theirs = await factory.open_session(
        await factory.register(elsewhere, name="Leur caisse"), await factory.user(elsewhere)
    )
    await admin.open(f"/admin/sessions/{theirs.id}")
    assert await admin.heading() == "Page introuvable"
    assert "Leur caisse" not in await page.content()
    admin.forget_expected_failures(404)


async def test_an_admin_closes_the_day_from_the_page(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, factory = web_shop, web_shop.factory
    till = await factory.open_session(shop.register, shop.cashier)
    await factory.sale(till, shop.cashier)
    admin = AdminPages(web_page)
    page = web_page.page
    accept_dialogs(page)
    await admin.login(shop.admin, "/admin/clotures")
    day = datetime.now(ZoneInfo(shop.site.timezone)).date().isoformat()
    daily = page.get_by_role("form", name="Clôture journalière")
    await daily.get_by_label("Jour").fill(day)
    # A session is still open: the service's refusal shows in the form.
    await daily.get_by_role("button", name="Clôturer").click()
    await admin.settled()
    assert "session de caisse ouverte" in await daily.locator("[data-form-error]").inner_text()
    admin.forget_expected_failures(409)
    await close(factory, till, shop.admin, "62")
    await daily.get_by_role("button", name="Clôturer").click()
    await admin.settled()
    assert "Clôture journalière enregistrée" in await page.inner_text(".admin-done")
    assert await page.locator("tr[data-closing]").count() == 1
    await admin.check("clotures", full_page=True)
    async with factory.database.unit_of_work(write=False) as session:
        closing = await session.scalar(select(Closing).where(Closing.site_id == shop.site.id))
    assert closing is not None
    assert closing.grand_total_cents == 1200
    await page.locator("tr[data-closing] a").click()
    await admin.settled()
    assert await admin.heading() == "Clôture journalière"
    assert await page.inner_text('[data-figure="grand-total"]') == "12,00 €"
    await admin.check("cloture")
