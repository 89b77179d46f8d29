"""The back office in Debian's chromium: logging in lands on the dashboard, each role sees only
what it may, another site's id typed in the URL is a 404, navigation and reload keep the URL,
axe finds nothing critical or serious, and the strict CSP holds (no console error)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recyclic.models.deposit import DepositStatus
from recyclic.models.user import Role
from recyclic.services.demo.seed import DEMO_PIN, DemoService
from tests.web.admin import AdminPages
from tests.web.conftest import PIN, BrowserPage, WebShop


async def test_an_admin_logs_in_and_lands_on_the_dashboard(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    assert await admin.heading() == "Tableau de bord"
    assert await web_page.page.title() == "Tableau de bord — Recyclic"
    labels = await admin.nav_labels()
    assert "Utilisateurs" in labels
    assert "Catégories" in labels
    assert await web_page.page.locator("[data-admin-only]").count() > 0
    assert ("/admin", 200) in admin.fragments
    await admin.check("dashboard-admin")

    # A navigation link swaps the page and pushes its URL; a reload shows the same page.
    await admin.follow("Utilisateurs")
    assert web_page.page.url.endswith("/admin/utilisateurs")
    assert await admin.heading() == "Utilisateurs"
    assert await web_page.page.get_attribute('#admin-nav a[aria-current="page"]', "href") == (
        "/admin/utilisateurs"
    )
    await web_page.page.reload()
    await admin.settled()
    assert await admin.heading() == "Utilisateurs"

    # Back to the dashboard with the browser's back button: asked again with the token.
    await web_page.page.go_back()
    await admin.wait_for_heading("Tableau de bord")

    # The period filter lives in the URL.
    await web_page.page.get_by_label("Cette année").check()
    await web_page.page.get_by_role("button", name="Afficher").click()
    await admin.settled()
    assert "periode=annee" in web_page.page.url


async def test_a_viewer_sees_no_admin_only_button_and_is_refused_admin_pages(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    viewer = await web_shop.factory.user(
        web_shop.site, role=Role.VIEWER, full_name="Vera Lecture", pin=PIN
    )
    admin = AdminPages(web_page)
    await admin.login(viewer)
    assert await admin.heading() == "Tableau de bord"
    labels = await admin.nav_labels()
    assert "Utilisateurs" not in labels
    assert "Réglages du site" not in labels
    assert "Exports" in labels
    assert await web_page.page.locator("[data-admin-only]").count() == 0
    await admin.check("dashboard-viewer")

    await admin.open("/admin/utilisateurs")
    assert await admin.heading() == "Accès refusé"
    assert ("/admin/utilisateurs", 403) in admin.fragments
    admin.forget_expected_failures(403)


async def test_another_sites_id_in_the_url_is_not_found(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    other = await web_shop.factory.site(name="Boutique voisine")
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    await admin.open(f"/admin?site_id={other.id}")
    assert await admin.heading() == "Page introuvable"
    assert (f"/admin?site_id={other.id}", 404) in admin.fragments
    assert "Boutique voisine" not in await web_page.page.content()
    admin.forget_expected_failures(404)
    await admin.check("not-found")


async def test_a_super_admin_switches_between_sites(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    other = await web_shop.factory.site(name="Antenne Nord")
    chief = await web_shop.factory.user(
        web_shop.site, role=Role.SUPER_ADMIN, full_name="Sam Fédé", pin=PIN
    )
    admin = AdminPages(web_page)
    await admin.login(chief)
    await web_page.page.select_option("#site-switch", str(other.id))
    await admin.settled()
    assert f"site_id={other.id}" in web_page.page.url
    assert "Antenne Nord" in await web_page.page.inner_text("#admin-main")
    await admin.check("dashboard-super-admin")
    # The chosen site follows the navigation.
    await admin.follow("Exports")
    assert f"site_id={other.id}" in web_page.page.url


async def test_the_back_office_sends_a_logged_out_person_to_the_login_page(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    await web_page.goto("/admin/clotures")
    await web_page.page.wait_for_url("**/connexion?suivant=%2Fadmin%2Fclotures")


async def test_the_dashboard_draws_each_chart_beside_its_table(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    shop, factory = web_shop, web_shop.factory
    till = await factory.open_session(shop.register, shop.cashier)
    await factory.sale(till, shop.cashier)
    await factory.sale(
        till,
        shop.cashier,
        items=[
            {"category": "LIV", "description": "Roman", "unit_price": "3"},
            {"category": "VAI", "description": "Plat", "unit_price": "6"},
        ],
        payments=[{"method": "card", "amount": "9"}],
    )
    for category, weight, donor in (("MOB", 12_000, "individual"), ("LIV", 3_500, "business")):
        await factory.deposit(
            shop.site,
            shop.cashier,
            status=DepositStatus.VALIDATED,
            category=category,
            weight_g=weight,
            donor_type=donor,
            ai_category=category,
            ai_provider="local",
            ai_first_choice_kept=category == "MOB",
        )
    admin = AdminPages(web_page)
    await admin.login(shop.admin, "/admin")
    page = web_page.page
    # Each table with figures has its chart drawn from its rows (Chart.js, vendored).
    for table in ("t-categories", "t-methods", "t-sales", "t-donors", "t-accuracy"):
        drawn = await page.get_attribute(f'[data-chart-for="{table}"]', "data-drawn")
        rows = await page.locator(f"#{table} tbody tr").count()
        assert drawn == str(rows), table
    assert await page.locator("canvas").count() >= 5
    assert "15,5" in await page.inner_text('[data-figure="weight-in"]')
    await admin.check("dashboard-figures", full_page=True)

    # On a 10" tablet held upright, the same page (navigation above, charts above tables).
    await page.set_viewport_size({"width": 800, "height": 1280})
    await admin.check("dashboard-portrait")


async def test_the_demo_shops_month_on_the_dashboard(web_page: BrowserPage, web_db: Any) -> None:
    """The demo shop (a month of deposits and sales) as its admin sees it: the screenshots of
    docs/admin.md come from here."""
    async with web_db.unit_of_work() as session:
        demo = await DemoService(session).seed(timezone="Europe/Paris")
    site_admin = next(u for u in demo.users if u.role == Role.ADMIN)
    admin = AdminPages(web_page)
    await admin.login(site_admin, pin=DEMO_PIN)
    page = web_page.page
    assert await page.locator("#t-categories tbody tr[data-category]").count() > 3
    await admin.check("dashboard")
    await page.locator("#h-methods").scroll_into_view_if_needed()
    await admin.check("dashboard-charts")


async def test_a_download_link_fetches_the_file_with_the_token(
    web_page: BrowserPage, web_shop: WebShop
) -> None:
    """`<a data-download>` (for the exports page): the API's file, saved under its name."""
    admin = AdminPages(web_page)
    await admin.login(web_shop.admin)
    page = web_page.page
    await page.evaluate(
        """() => {
          const link = document.createElement("a");
          link.href = "/api/v1/exports/summary?period=monthly&date=2026-11&format=csv";
          link.dataset.download = "synthese.csv";
          link.textContent = "Télécharger la synthèse";
          document.querySelector("#admin-main .admin-page").append(link);
        }"""
    )
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Télécharger la synthèse").click()
    download = await waiting.value
    assert download.suggested_filename.endswith(".csv")
    assert download.suggested_filename.startswith("synthese_")
    path = await download.path()
    header = Path(path).read_text(encoding="utf-8-sig").splitlines()[0]  # noqa: ASYNC240
    assert "category_code" in header
