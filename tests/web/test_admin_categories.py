"""The categories page over HTTP: admins only, every category listed (inactive too), an edit
saved through the service (audited), the site's eco-organism remapped, French errors in the
form (422, nothing written), writes need the CSRF token."""

from __future__ import annotations

import httpx

from recyclic.api.cookies import new_csrf_token
from recyclic.core.database import Database
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.site_repository import SiteRepository
from tests.factories import TEST_SECRET, Factory, auth_headers


def write_headers(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    """The bearer token and the CSRF token a back-office write carries."""
    token = new_csrf_token(TEST_SECRET)
    client.cookies.set("recyclic_csrf", token)
    return {**auth_headers(user), "X-CSRF-Token": token}


FORM = {
    "label": "Livres et revues",
    "display_order": "15",
    "price_min": "0,50",
    "price_max": "30",
    "default_unit_weight_kg": "0,4",
    "vat_rate": "5,5",
    "eco_organism": "",
    "site_eco_organism": "",
    "active": "true",
}


async def test_admins_list_and_edit_categories(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    viewer = await factory.user(site, role=Role.VIEWER)
    assert (await client.get("/admin/categories", headers=auth_headers(viewer))).status_code == 403
    html = (await client.get("/admin/categories", headers=auth_headers(admin))).text
    assert 'data-category="LIV"' in html
    assert 'href="/admin/categories/LIV"' in html
    form = await client.get("/admin/categories/LIV", headers=auth_headers(admin))
    assert form.status_code == 200
    assert 'hx-post="/admin/categories/LIV"' in form.text
    unknown = await client.get("/admin/categories/NOPE", headers=auth_headers(admin))
    assert unknown.status_code == 404

    # Without the CSRF token, nothing is written.
    refused = await client.post("/admin/categories/LIV", data=FORM, headers=auth_headers(admin))
    assert refused.status_code == 403

    saved = await client.post(
        "/admin/categories/LIV", data=FORM, headers=write_headers(client, admin)
    )
    assert saved.status_code == 200, saved.text
    assert "Catégorie « Livres et revues » enregistrée." in saved.text
    assert saved.headers["hx-push-url"] == "/admin/categories"
    async with database.unit_of_work() as session:
        category = await CategoryRepository(session).get_by_code("LIV")
        assert category is not None
        assert (category.label, category.display_order) == ("Livres et revues", 15)
        assert (category.price_min_cents, category.price_max_cents) == (50, 3000)
        assert (category.default_unit_weight_g, category.vat_rate_bp) == (400, 550)
        assert category.active
    # The API says the same.
    api = {c["code"]: c for c in (await client.get("/api/v1/categories")).json()}
    assert api["LIV"]["vat_rate"] == 5.5
    assert api["LIV"]["price_min"] == 0.5

    # Deactivated, never deleted; listed still.
    await client.post(
        "/admin/categories/LIV",
        data={k: v for k, v in FORM.items() if k != "active"},
        headers=write_headers(client, admin),
    )
    html = (await client.get("/admin/categories", headers=auth_headers(admin))).text
    assert 'data-category="LIV" class="inactive"' in html
    assert "LIV" not in {c["code"] for c in (await client.get("/api/v1/categories")).json()}


async def test_the_site_remaps_a_category_to_another_eco_organism(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site, other = await factory.site(), await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    form = {**FORM, "label": "Petit électroménager", "eco_organism": "ecologic"}
    form["site_eco_organism"] = "Ecosystem"
    response = await client.post(
        "/admin/categories/EEE-5", data=form, headers=write_headers(client, admin)
    )
    assert response.status_code == 200, response.text
    assert "<strong>ecosystem</strong>" in response.text
    async with database.unit_of_work() as session:
        mine = await SiteRepository(session).get(site.id)
        theirs = await SiteRepository(session).get(other.id)
        assert mine is not None
        assert theirs is not None
        assert mine.settings["eco_organisms"] == {"EEE-5": "ecosystem"}
        assert not (theirs.settings or {}).get("eco_organisms")
    # Back to the category's own: the override is removed.
    form["site_eco_organism"] = ""
    await client.post("/admin/categories/EEE-5", data=form, headers=write_headers(client, admin))
    async with database.unit_of_work() as session:
        mine = await SiteRepository(session).get(site.id)
        assert mine is not None
        assert mine.settings["eco_organisms"] == {}
    # Another site's id is a 404, for reading and writing.
    for call in (
        client.get(
            "/admin/categories/EEE-5",
            params={"site_id": str(other.id)},
            headers=auth_headers(admin),
        ),
        client.post(
            f"/admin/categories/EEE-5?site_id={other.id}",
            data=form,
            headers=write_headers(client, admin),
        ),
    ):
        assert (await call).status_code == 404


async def test_a_wrong_value_is_shown_in_the_form_and_nothing_is_written(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    bad = {**FORM, "price_min": "abc", "vat_rate": "120", "label": ""}
    response = await client.post(
        "/admin/categories/LIV", data=bad, headers=write_headers(client, admin)
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="e-price_min"' in html
    assert 'id="e-vat_rate"' in html
    assert 'id="e-label"' in html
    assert 'value="abc"' in html
    async with database.unit_of_work() as session:
        category = await CategoryRepository(session).get_by_code("LIV")
        assert category is not None
        assert category.label != "Livres et revues"
    # A rule of the service (minimum above maximum) is the API's French error.
    inverted = {**FORM, "price_min": "40", "price_max": "10"}
    response = await client.post(
        "/admin/categories/LIV", data=inverted, headers=write_headers(client, admin)
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Le prix minimum dépasse le prix maximum."


NEW = {
    **FORM,
    "code": "velo",
    "family": "Mob",
    "weee_category": "",
    "flow": "",
    "label": "Vélos et trottinettes",
    "default_unit_weight_kg": "14",
    "site_eco_organism": "ecomaison",
}


async def test_an_admin_creates_a_category_once(
    client: httpx.AsyncClient, factory: Factory, database: Database
) -> None:
    site = await factory.site()
    admin = await factory.user(site, role=Role.ADMIN)
    operator = await factory.user(site, role=Role.OPERATOR)
    listed = (await client.get("/admin/categories", headers=auth_headers(admin))).text
    assert 'href="/admin/categories/nouvelle"' in listed
    empty = await client.get("/admin/categories/nouvelle", headers=auth_headers(admin))
    assert empty.status_code == 200
    assert 'hx-post="/admin/categories/nouvelle"' in empty.text
    assert '<option value="EEE">' in empty.text  # the families known, to pick from
    refused = await client.post(
        "/admin/categories/nouvelle", data=NEW, headers=write_headers(client, operator)
    )
    assert refused.status_code == 403

    created = await client.post(
        "/admin/categories/nouvelle", data=NEW, headers=write_headers(client, admin)
    )
    assert created.status_code == 200, created.text
    assert "Catégorie « Vélos et trottinettes » enregistrée." in created.text
    assert 'data-category="VELO"' in created.text
    async with database.unit_of_work() as session:
        category = await CategoryRepository(session).get_by_code("VELO")
        assert category is not None
        assert (category.family, category.default_unit_weight_g) == ("MOB", 14_000)
        assert category.active
        stored = await SiteRepository(session).get(site.id)
        assert stored is not None
        assert stored.settings["eco_organisms"]["VELO"] == "ecomaison"
    api = {c["code"]: c for c in (await client.get("/api/v1/categories")).json()}
    assert api["VELO"]["label"] == "Vélos et trottinettes"

    # The same code again: said on the field, nothing written.
    again = await client.post(
        "/admin/categories/nouvelle",
        data={**NEW, "label": "Autre"},
        headers=write_headers(client, admin),
    )
    assert again.status_code == 422
    assert 'id="e-code"' in again.text
    assert "Ce code est déjà celui" in again.text
    bad = await client.post(
        "/admin/categories/nouvelle",
        data={**NEW, "code": "vé lo", "weee_category": "9"},
        headers=write_headers(client, admin),
    )
    assert bad.status_code == 422
    assert 'id="e-code"' in bad.text
    assert 'id="e-weee_category"' in bad.text
    async with database.unit_of_work() as session:
        category = await CategoryRepository(session).get_by_code("VELO")
        assert category is not None
        assert category.label == "Vélos et trottinettes"
