"""The reception desk in a real browser: a deposit typed in a few interactions (counted and
printed), today's list, correcting and cancelling, the admins' review, outbound flows, what
each role sees, another site's deposit, and where "/" sends a reception volunteer."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from recyclic.models.audit import AuditLog
from recyclic.models.deposit import Deposit, DepositStatus, Destination, DonorType
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.user import Role
from tests.support.server import RecyclicServer
from tests.web.accessibility import assert_accessible
from tests.web.conftest import BrowserPage, WebShop, new_browser_page
from tests.web.depots import Desk
from tests.web.till import wait_until


async def _deposits(shop: WebShop) -> list[Deposit]:
    async with shop.factory.database.unit_of_work() as session:
        rows = await session.scalars(
            select(Deposit).where(Deposit.site_id == shop.site.id).order_by(Deposit.created_at)
        )
        return list(rows)


async def _deposit(shop: WebShop, deposit_id: uuid.UUID) -> Deposit:
    async with shop.factory.database.unit_of_work() as session:
        deposit = await session.get(Deposit, deposit_id)
        assert deposit is not None
        return deposit


async def test_a_typed_deposit_takes_a_few_interactions(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    desk = Desk(web_page)
    page = web_page.page
    await desk.login(web_shop.cashier.telegram_id)  # type: ignore[arg-type]
    await page.wait_for_selector("#dep-description")
    await assert_accessible(page, "reception desk, empty")
    await web_page.shot("depots-empty")

    # A practised volunteer: type, Enter, destination, donor, postal code, Valider.
    desk.restart()
    await desk.describe("deux chaises en bois, environ 12 kilos")
    assert await desk.chosen() == "MOB"
    assert await desk.value("#dep-weight") == "12"
    assert await desk.value("#dep-quantity") == "2"
    assert "%" in await page.inner_text("#dep-proposal .choice-first")
    await desk.pick("destination", "reuse")
    await desk.pick("donor", "individual")
    await desk.fill("#dep-postal", "14000")
    async with desk.aside():
        await web_page.shot("depots-proposal")
        await assert_accessible(page, "reception desk, proposal")
    seconds = await desk.validate()
    print(
        f"\ninteractions for a typed deposit: {desk.interactions} ({desk.done}); "
        f"{seconds:.2f} s of machine time"
    )
    assert desk.interactions <= 7
    assert await desk.value("#dep-description") == ""
    assert await desk.value("#dep-weight") == ""

    (first,) = await _deposits(web_shop)
    assert first.status == DepositStatus.VALIDATED
    assert (first.category, first.weight_g, first.quantity) == ("MOB", 12_000, 2)
    assert first.destination == Destination.REUSE
    assert (first.donor_type, first.postal_code) == (DonorType.INDIVIDUAL, "14000")
    assert first.created_by == first.validated_by == web_shop.cashier.id
    assert first.ai_first_choice_kept is True

    # The next item of the same donor: the origin stays; another category, a weight with a
    # comma (parsed exactly: 3,455 kg is 3455 g), the quantity stepped up.
    desk.restart()
    await desk.describe("un carton de vaisselle")
    await desk.tap("#dep-other")
    await desk.tap('#dep-all-categories [data-category="DEC"]')
    assert await desk.chosen() == "DEC"
    await desk.fill("#dep-weight", "3,455")
    await desk.tap('button[aria-label="Un de plus"]')
    await desk.validate()
    print(f"interactions for a corrected category: {desk.interactions} ({desk.done})")
    _, second = await _deposits(web_shop)
    assert (second.category, second.weight_g, second.quantity) == ("DEC", 3_455, 2)
    assert (second.donor_type, second.postal_code) == (DonorType.INDIVIDUAL, "14000")
    assert second.ai_first_choice_kept is False
    # The recent codes are a quick pick now; "Nouveau donneur" clears the origin.
    assert await page.locator('[data-postal="14000"]').count() == 1
    await page.click("#dep-new-donor")
    assert await desk.value("#dep-postal") == ""
    assert await page.locator('[data-pick="donor"][aria-pressed="true"]').count() == 0

    # Bad figures are refused with a French message, nothing sent.
    await page.fill("#dep-description", "une lampe")
    await page.click("#dep-other")
    await page.click('#dep-all-categories [data-category="EEE-5"]')
    await page.fill("#dep-weight", "1,2345")
    await page.fill("#dep-quantity", "1")
    await page.click("#dep-validate")
    await page.wait_for_selector("#dep-error:not([hidden])")
    assert "Poids invalide" in await page.inner_text("#dep-error")
    assert await page.get_attribute("#dep-weight", "aria-invalid") == "true"
    assert len(await _deposits(web_shop)) == 2

    # Corrected, it is saved without asking the AI: a person chose the category.
    await page.fill("#dep-weight", "1,2")
    await page.press("#dep-weight", "Enter")
    await wait_until(page, "window.__desk.metrics.recorded === 3")
    third = (await _deposits(web_shop))[-1]
    assert (third.status, third.category, third.weight_g) == (
        DepositStatus.VALIDATED,
        "EEE-5",
        1_200,
    )
    assert third.ai_category is None

    # "Abandonner" cancels a proposal nobody wants (it will not wait in the review list).
    await desk.describe("un objet finalement repris par son propriétaire")
    await page.click("#dep-clear")
    await page.wait_for_selector("#dep-clear:text('Effacer')")
    abandoned = (await _deposits(web_shop))[-1]
    assert abandoned.status == DepositStatus.CANCELLED

    # "Mes derniers dépôts" shows them all.
    await page.wait_for_selector("#dep-recent li >> nth=3")
    assert await page.locator("#dep-recent li").count() == 4


MALICIOUS = '<img src=x onerror="window.__pwned=1">chaise'


async def test_todays_deposits_correct_and_cancel_a_draft(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, page = web_shop, web_page.page
    other = await shop.factory.user(shop.site, full_name="Inès Accueil")
    proposed = await shop.factory.deposit(
        shop.site,
        shop.cashier,
        status=DepositStatus.CLASSIFIED,
        description=MALICIOUS,
        category="MOB",
        ai_category="MOB",
        ai_confidence=71,
        ai_alternatives=[{"category": "DEC", "confidence": 20}],
        ai_provider="local",
    )
    draft = await shop.factory.deposit(shop.site, shop.cashier, description="une lampe de chevet")
    theirs = await shop.factory.deposit(
        shop.site, other, status=DepositStatus.CLASSIFIED, description="un vélo", category="SPO"
    )
    desk = Desk(web_page)
    await desk.login(shop.cashier.telegram_id, section="jour")  # type: ignore[arg-type]
    await page.wait_for_selector(f'tr[data-deposit="{draft.id}"]')
    await web_page.shot("depots-day")
    await assert_accessible(page, "today's deposits")

    # What a person typed is shown as text, never run.
    row = await desk.row(proposed.id)
    assert MALICIOUS in await row.locator(".cell-description").inner_text()
    assert await page.locator("img[src=x]").count() == 0
    assert await page.evaluate("window.__pwned") is None

    # Someone else's deposit: validate it (shared work), not cancel it.
    theirs_row = await desk.row(theirs.id)
    assert await theirs_row.locator('[data-action="resume"]').count() == 1
    assert await theirs_row.locator('[data-action="cancel"]').count() == 0
    assert await theirs_row.locator("td").nth(7).inner_text() == "Un autre bénévole"

    # Cancel my proposed deposit (after a confirmation).
    await row.locator('[data-action="cancel"]').click()
    await page.click('[data-action="confirm-cancel"]')
    await page.wait_for_selector(f'tr[data-deposit="{proposed.id}"][data-status="cancelled"]')
    assert (await _deposit(shop, proposed.id)).status == DepositStatus.CANCELLED
    cancelled = await desk.row(proposed.id)
    assert await cancelled.locator("button").count() == 0

    # Take up the draft: choose its category, weigh it, validate.
    await (await desk.row(draft.id)).locator('[data-action="resume"]').click()
    await page.wait_for_selector("#dep-description")
    assert await desk.value("#dep-description") == "une lampe de chevet"
    await page.click("#dep-other")
    await page.click('#dep-all-categories [data-category="EEE-3"]')
    await page.fill("#dep-weight", "0,8")
    await page.fill("#dep-quantity", "1")
    await desk.validate()
    validated = await _deposit(shop, draft.id)
    assert validated.status == DepositStatus.VALIDATED
    assert (validated.category, validated.weight_g, validated.quantity) == ("EEE-3", 800, 1)

    # Validate Inès's deposit: allowed, but her origin fields are hers to change.
    await desk.section("jour")
    await (await desk.row(theirs.id)).locator('[data-action="resume"]').click()
    await page.wait_for_selector("#dep-description[disabled]")
    assert await page.is_disabled('[data-pick="donor"][data-value="business"]')
    await page.fill("#dep-weight", "14")
    await page.fill("#dep-quantity", "1")
    await desk.validate()
    assert (await _deposit(shop, theirs.id)).validated_by == shop.cashier.id

    # The list now says so.
    await desk.section("jour")
    await page.wait_for_selector(f'tr[data-deposit="{draft.id}"][data-status="validated"]')
    await page.wait_for_selector("#day-summary:not(:empty)")
    assert "2 dépôts validés" in await page.inner_text("#day-summary")


async def test_an_admin_reviews_what_nobody_validated(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, page = web_shop, web_page.page
    complete = await shop.factory.deposit(
        shop.site,
        shop.cashier,
        status=DepositStatus.CLASSIFIED,
        description="un micro-ondes",
        category="EEE-5",
        ai_category="EEE-5",
        ai_confidence=64,
        ai_alternatives=[{"category": "EEE-4", "confidence": 30}],
        ai_provider="gemini",
        quantity=1,
        weight_g=12_500,
    )
    doubtful = await shop.factory.deposit(
        shop.site,
        shop.cashier,
        status=DepositStatus.CLASSIFIED,
        description="un truc en métal",
        category="DIV",
        ai_category="DIV",
        ai_confidence=35,
        ai_alternatives=[{"category": "BRI", "confidence": 30}],
        ai_provider="local",
    )
    desk = Desk(web_page)
    await desk.login(shop.admin.telegram_id, section="revue")  # type: ignore[arg-type]
    await page.wait_for_selector(f'tr[data-deposit="{doubtful.id}"]')
    await web_page.shot("depots-review")
    await assert_accessible(page, "review")
    row = await desk.row(complete.id)
    assert "Gemini : EEE-5 64 %" in await row.inner_text()
    assert "Lucas Caisse" in await row.inner_text()  # admins see who recorded it
    # Without a weight, "Valider tel quel" is not offered: "Corriger" completes it.
    assert await (await desk.row(doubtful.id)).locator('[data-action="validate"]').count() == 0

    await row.locator('[data-action="validate"]').click()
    await page.wait_for_selector(f'tr[data-deposit="{complete.id}"]', state="detached")
    kept = await _deposit(shop, complete.id)
    assert kept.status == DepositStatus.VALIDATED
    assert (kept.validated_by, kept.ai_first_choice_kept) == (shop.admin.id, True)

    await (await desk.row(doubtful.id)).locator('[data-action="resume"]').click()
    await desk.wait_for_proposal()
    assert await desk.chosen() == "DIV"
    assert await page.inner_text("#dep-clear") == "Fermer"  # taken up: closing keeps it
    await desk.choose("BRI")
    await page.fill("#dep-weight", "4,2")
    await page.fill("#dep-quantity", "1")
    await desk.validate()
    corrected = await _deposit(shop, doubtful.id)
    assert (corrected.category, corrected.weight_g) == ("BRI", 4_200)
    assert corrected.ai_first_choice_kept is False

    # An admin corrects a validated deposit (audited by the API).
    await desk.section("jour")
    await (await desk.row(doubtful.id)).locator('[data-action="correct"]').click()
    await page.wait_for_selector("#dep-validate")
    assert await page.inner_text("#dep-validate") == "Enregistrer la correction"
    await page.fill("#dep-weight", "4,25")
    await desk.validate()
    assert (await _deposit(shop, doubtful.id)).weight_g == 4_250
    async with shop.factory.database.unit_of_work() as session:
        audit = await session.scalars(select(AuditLog).where(AuditLog.action == "deposit.correct"))
        assert any(entry.entity_id == str(doubtful.id) for entry in audit)

    await desk.section("revue")
    await page.wait_for_selector(".empty")


async def test_an_admin_records_an_outbound_flow(web_page: BrowserPage, web_shop: WebShop) -> None:
    shop, page = web_shop, web_page.page
    desk = Desk(web_page)
    await desk.login(shop.admin.telegram_id, section="sorties")  # type: ignore[arg-type]
    await page.wait_for_selector("#flow-save")
    await page.click("#flow-save")
    assert "catégorie" in await page.inner_text("#flow-error")
    await page.select_option("#flow-category", "EEE-4")
    await page.fill("#flow-weight", "120,5")
    await page.click('[data-pick="flow-destination"][data-value="eco_organism"]')
    await page.fill("#flow-partner", "Ecologic <collecte>")
    await page.fill("#flow-ref", "BE-2026-0142")
    await web_page.shot("depots-outbound")
    await assert_accessible(page, "outbound flows")
    await page.click("#flow-save")
    await page.wait_for_selector("tr[data-flow]")
    assert "Ecologic <collecte>" in await page.inner_text("tr[data-flow]")
    assert "120,5 kg" in await page.inner_text("tr[data-flow]")
    async with shop.factory.database.unit_of_work() as session:
        (flow,) = await session.scalars(
            select(OutboundFlow).where(OutboundFlow.site_id == shop.site.id)
        )
    assert (flow.category, flow.weight_g, flow.destination.value) == (
        "EEE-4",
        120_500,
        "eco_organism",
    )
    assert (flow.partner, flow.document_ref) == ("Ecologic <collecte>", "BE-2026-0142")

    # A flow recorded by mistake is deleted, after a confirmation.
    await page.click(f'tr[data-flow="{flow.id}"] [data-action="delete-flow"]')
    await page.click('[data-action="confirm-delete-flow"]')
    await page.wait_for_selector(f'tr[data-flow="{flow.id}"]', state="detached")
    async with shop.factory.database.unit_of_work() as session:
        assert await session.get(OutboundFlow, flow.id) is None


async def test_long_lists_page_with_the_api_cursor(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, page = web_shop, web_page.page
    for n in range(57):
        await shop.factory.deposit(
            shop.site, shop.cashier, status=DepositStatus.CLASSIFIED, description=f"lot {n}"
        )
    desk = Desk(web_page)
    await desk.login(shop.admin.telegram_id, section="revue")  # type: ignore[arg-type]
    await page.wait_for_selector("#list-more:not([hidden])")
    assert await page.locator("tbody tr").count() == 50
    await page.click("#list-more")
    await page.wait_for_selector("#list-more[hidden]", state="attached")
    assert await page.locator("tbody tr").count() == 57
    texts = await page.locator(".cell-description").all_inner_texts()
    assert sorted(texts) == sorted(f"lot {n}" for n in range(57))


async def test_each_role_sees_only_what_it_may(web_page: BrowserPage, web_shop: WebShop) -> None:
    shop, page = web_shop, web_page.page
    viewer = await shop.factory.user(
        shop.site, role=Role.VIEWER, full_name="Vic Lecture", pin="4821"
    )
    deposit = await shop.factory.deposit(shop.site, shop.cashier, status=DepositStatus.CLASSIFIED)
    await shop.factory.outbound_flow(shop.site, shop.admin)
    tabs = ".desk-tab"

    # A viewer reads today's deposits and the flows: no form, no button.
    desk = Desk(web_page)
    await desk.login(viewer.telegram_id)  # type: ignore[arg-type]
    await page.wait_for_selector(f'tr[data-deposit="{deposit.id}"]')
    assert await page.locator(tabs).all_inner_texts() == ["Dépôts du jour", "Sorties"]
    assert await page.locator("#dep-description").count() == 0
    assert await page.locator("tbody button").count() == 0
    assert "Actions" not in await page.locator("thead").inner_text()
    await web_page.shot("depots-viewer")
    await desk.section("sorties")
    await page.wait_for_selector("tr[data-flow]")
    assert await page.locator("#flow-save").count() == 0
    # Asking for the entry form by its address shows the list instead.
    await web_page.goto("/depots#saisie")
    await page.wait_for_selector(".desk-jour")

    # An operator records and validates, but neither reviews nor records flows.
    other = await new_browser_page(web_page.context.browser, web_page.base_url)
    try:
        operator = Desk(other)
        await operator.login(shop.cashier.telegram_id)  # type: ignore[arg-type]
        await other.page.wait_for_selector("#dep-description")
        assert await other.page.locator(tabs).all_inner_texts() == [
            "Nouveau dépôt",
            "Dépôts du jour",
            "Sorties",
        ]
        await operator.section("sorties")
        await other.page.wait_for_selector("tr[data-flow]")
        assert await other.page.locator("#flow-save").count() == 0
        assert await other.page.locator('[data-action="delete-flow"]').count() == 0
        assert other.problems == []
    finally:
        await other.context.close()

    # An admin has every section.
    admin = await new_browser_page(web_page.context.browser, web_page.base_url)
    try:
        await Desk(admin).login(shop.admin.telegram_id)  # type: ignore[arg-type]
        assert await admin.page.locator(tabs).all_inner_texts() == [
            "Nouveau dépôt",
            "Dépôts du jour",
            "À valider",
            "Sorties",
        ]
        assert admin.problems == []
    finally:
        await admin.context.close()


async def test_another_sites_deposit_is_not_found(web_page: BrowserPage, web_shop: WebShop) -> None:
    shop, page = web_shop, web_page.page
    elsewhere = await shop.factory.site()
    stranger = await shop.factory.user(elsewhere)
    foreign = await shop.factory.deposit(elsewhere, stranger, description="secret d'ailleurs")
    mine = await shop.factory.deposit(
        shop.site, shop.cashier, status=DepositStatus.VALIDATED, description="une commode"
    )
    desk = Desk(web_page)
    await desk.login(shop.cashier.telegram_id)  # type: ignore[arg-type]

    await web_page.goto(f"/depots/{foreign.id}")
    await page.wait_for_selector("#detail-missing")
    assert "404" in await page.inner_text("#detail-missing")
    assert "secret" not in await page.inner_text("body")
    await web_page.shot("depots-not-found")
    await web_page.goto("/depots/pas-un-identifiant")
    await page.wait_for_selector("#detail-missing")

    await web_page.goto(f"/depots/{mine.id}")
    await page.wait_for_selector(f'[data-deposit="{mine.id}"]')
    assert "une commode" in await page.inner_text(".detail")
    assert await page.locator("[data-deposit] button").count() == 0  # validated: admins only
    await assert_accessible(page, "deposit detail")


async def test_home_sends_a_reception_volunteer_to_the_desk(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    page = web_page.page
    desk = Desk(web_page)
    await desk.login(web_shop.cashier.telegram_id)  # type: ignore[arg-type]
    await web_page.goto("/")
    await page.wait_for_url("**/depots")
    # Going to the till from the desk makes this workstation a till again.
    await page.wait_for_selector(".desk-header")
    await page.click('.desk-user a[href="/caisse"]')
    await page.wait_for_url("**/caisse")
    # Leave only once the till has started (a refresh cut off by a navigation would lose the
    # rotated cookie).
    await page.wait_for_selector(f'[data-register="{web_shop.register.id}"]')
    await web_page.goto("/")
    await page.wait_for_url("**/caisse")
    await page.wait_for_selector(f'[data-register="{web_shop.register.id}"]')


async def test_the_desk_on_a_tablet_in_portrait(
    browser: Any, web_server: RecyclicServer, web_shop: WebShop
) -> None:
    web = await new_browser_page(browser, web_server.url, viewport=(800, 1280))
    try:
        desk = Desk(web)
        await desk.login(web_shop.cashier.telegram_id)  # type: ignore[arg-type]
        await desk.describe("un lave-linge Bosch, 60 kilos")
        await web.shot("depots-portrait")
        await assert_accessible(web.page, "reception desk, portrait")
        # Everything needed fits the width: no sideways scrolling.
        assert await web.page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert web.problems == []
    finally:
        await web.context.close()


async def test_a_super_admin_works_on_their_own_site(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, page = web_shop, web_page.page
    chief = await shop.factory.user(shop.site, role=Role.SUPER_ADMIN, pin="4821")
    elsewhere = await shop.factory.site()
    foreign = await shop.factory.deposit(elsewhere, await shop.factory.user(elsewhere))
    mine = await shop.factory.deposit(shop.site, shop.cashier, description="une étagère")
    desk = Desk(web_page)
    await desk.login(chief.telegram_id, section="jour")  # type: ignore[arg-type]
    await page.wait_for_selector(f'tr[data-deposit="{mine.id}"]')
    assert await page.locator(f'tr[data-deposit="{foreign.id}"]').count() == 0
    await desk.section("saisie")
    await desk.describe("un miroir, 4 kg")
    await page.fill("#dep-quantity", "1")
    await desk.validate()
    created = [d for d in await _deposits(shop) if d.id != mine.id]
    assert [(d.site_id, d.category) for d in created] == [(shop.site.id, "DEC")]
