"""Registrations and users in the back office over HTTP: who may open them, another site's
user is a 404, writes need the CSRF token, invalid forms come back with French errors (422,
nothing written), and each action goes through `UserService` with the rules of spec §4."""

from __future__ import annotations

import httpx
import pytest

from recyclic.api.cookies import new_csrf_token
from recyclic.core.security import verify_pin
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.user_repository import UserRepository
from tests.factories import TEST_SECRET, Factory, auth_headers


def writer(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    """Headers of a back-office write: the bearer token and the CSRF token (cookie too)."""
    token = new_csrf_token(TEST_SECRET)
    client.cookies.set("recyclic_csrf", token)
    return {**auth_headers(user), "X-CSRF-Token": token}


async def reload(factory: Factory, user: User) -> User:
    async with factory.database.unit_of_work() as session:
        found = await UserRepository(session).get(user.id)
        assert found is not None
        return found


@pytest.fixture
async def shop(factory: Factory) -> tuple[Site, User]:
    site = await factory.site(name="Ressourcerie des Lilas")
    return site, await factory.user(site, role=Role.ADMIN, full_name="Claire Admin")


async def test_registrations_list_pending_people_of_the_site_only(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    other = await factory.site(name="Ailleurs")
    await factory.user(site, status=UserStatus.PENDING, full_name="Jeanne Attente")
    await factory.user(other, status=UserStatus.PENDING, full_name="Paul Ailleurs")
    await factory.user(site, full_name="Déjà Approuvé")
    html = (await client.get("/admin/inscriptions", headers=auth_headers(admin))).text
    assert "Jeanne Attente" in html
    assert "Paul Ailleurs" not in html
    assert "Déjà Approuvé" not in html
    assert 'hx-post="/admin/inscriptions/' in html
    # Operators and viewers are refused, like GET /api/v1/users.
    for role in (Role.VIEWER, Role.OPERATOR):
        person = await factory.user(site, role=role)
        response = await client.get("/admin/inscriptions", headers=auth_headers(person))
        assert response.status_code == 403


async def test_approving_gives_operator_unless_a_role_is_chosen(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    jeanne = await factory.user(site, status=UserStatus.PENDING, full_name="Jeanne Attente")
    marc = await factory.user(site, status=UserStatus.PENDING, full_name="Marc Attente")
    # Without the CSRF token: refused, nothing written.
    refused = await client.post(
        f"/admin/inscriptions/{jeanne.id}/approuver", headers=auth_headers(admin)
    )
    assert refused.status_code == 403
    assert (await reload(factory, jeanne)).status == UserStatus.PENDING

    response = await client.post(
        f"/admin/inscriptions/{jeanne.id}/approuver", headers=writer(client, admin), data={}
    )
    assert response.status_code == 200, response.text
    assert "Jeanne Attente est approuvé·e (Bénévole)" in response.text
    approved = await reload(factory, jeanne)
    assert (approved.status, approved.role) == (UserStatus.APPROVED, Role.OPERATOR)

    response = await client.post(
        f"/admin/inscriptions/{marc.id}/approuver",
        headers=writer(client, admin),
        data={"role": "viewer"},
    )
    assert response.status_code == 200
    assert (await reload(factory, marc)).role == Role.VIEWER
    assert "Aucune inscription en attente" in response.text


async def test_a_bad_role_is_a_form_error_and_a_role_above_ones_own_is_refused(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    jeanne = await factory.user(site, status=UserStatus.PENDING, full_name="Jeanne Attente")
    response = await client.post(
        f"/admin/inscriptions/{jeanne.id}/approuver",
        headers=writer(client, admin),
        data={"role": "patron"},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert (await reload(factory, jeanne)).status == UserStatus.PENDING
    response = await client.post(
        f"/admin/inscriptions/{jeanne.id}/approuver",
        headers=writer(client, admin),
        data={"role": "super_admin"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_too_high"
    assert (await reload(factory, jeanne)).status == UserStatus.PENDING


async def test_rejecting_then_reconsidering(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    jeanne = await factory.user(site, status=UserStatus.PENDING, full_name="Jeanne Attente")
    response = await client.post(
        f"/admin/inscriptions/{jeanne.id}/refuser", headers=writer(client, admin)
    )
    assert response.status_code == 200
    assert "est refusée" in response.text
    assert (await reload(factory, jeanne)).status == UserStatus.REJECTED
    html = (
        await client.get(
            "/admin/inscriptions", params={"vue": "refusees"}, headers=auth_headers(admin)
        )
    ).text
    assert "Jeanne Attente" in html
    assert "/refuser" not in html
    await client.post(
        f"/admin/inscriptions/{jeanne.id}/approuver?vue=refusees", headers=writer(client, admin)
    )
    assert (await reload(factory, jeanne)).status == UserStatus.APPROVED


async def test_a_super_admin_assigns_the_site_of_a_registration_without_one(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    home, antenna = await factory.site(name="Siège"), await factory.site(name="Antenne")
    chief = await factory.user(home, role=Role.SUPER_ADMIN)
    lost = await factory.user(None, status=UserStatus.PENDING, full_name="Sans Site")
    html = (await client.get("/admin/inscriptions", headers=auth_headers(chief))).text
    assert "Inscriptions sans site" in html
    assert "Sans Site" in html
    response = await client.post(
        f"/admin/inscriptions/{lost.id}/approuver",
        headers=writer(client, chief),
        data={"role": "operator", "site_id": str(antenna.id)},
    )
    assert response.status_code == 200, response.text
    found = await reload(factory, lost)
    assert (found.status, found.site_id) == (UserStatus.APPROVED, antenna.id)
    # A site admin never sees registrations without a site.
    admin = await factory.user(home, role=Role.ADMIN)
    html = (await client.get("/admin/inscriptions", headers=auth_headers(admin))).text
    assert "Inscriptions sans site" not in html


async def test_users_list_filters_in_the_url_and_pages_with_the_cursor(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    for n in range(30):
        await factory.user(site, full_name=f"Bénévole Liste {n:02d}")
    await factory.user(site, role=Role.VIEWER, full_name="Vera Lecture")
    await factory.user(await factory.site(), full_name="Bénévole Ailleurs")
    html = (await client.get("/admin/utilisateurs", headers=auth_headers(admin))).text
    assert html.count('<tr data-user="') == 25
    assert "Bénévole Ailleurs" not in html
    assert "cursor=" in html
    cursor = html.split("cursor=", 1)[1].split('"', 1)[0]
    second = await client.get(f"/admin/utilisateurs?cursor={cursor}", headers=auth_headers(admin))
    assert second.status_code == 200
    assert second.text.count('<tr data-user="') == 32 - 25
    assert "Première page" in second.text
    viewers = await client.get(
        "/admin/utilisateurs", params={"role": "viewer"}, headers=auth_headers(admin)
    )
    assert viewers.text.count('<tr data-user="') == 1
    assert "Vera Lecture" in viewers.text
    assert '<option value="viewer" selected>' in viewers.text
    found = await client.get(
        "/admin/utilisateurs", params={"q": "liste 07"}, headers=auth_headers(admin)
    )
    assert found.text.count('<tr data-user="') == 1
    bad = await client.get(
        "/admin/utilisateurs", params={"role": "patron"}, headers=auth_headers(admin)
    )
    assert bad.status_code == 422


async def test_another_sites_user_is_not_found(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    _, admin = shop
    stranger = await factory.user(await factory.site(), full_name="Paul Ailleurs")
    response = await client.get(f"/admin/utilisateurs/{stranger.id}", headers=auth_headers(admin))
    assert response.status_code == 404
    assert "Paul Ailleurs" not in response.text
    for action, data in (("role", {"role": "viewer"}), ("pin", {"pin": "4827"})):
        response = await client.post(
            f"/admin/utilisateurs/{stranger.id}/{action}",
            headers=writer(client, admin),
            data=data,
        )
        assert response.status_code == 404, action
    assert (await reload(factory, stranger)).role == Role.OPERATOR


async def test_an_admin_changes_a_role_and_deactivates_with_the_rules(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    lucas = await factory.user(site, full_name="Lucas Caisse")
    html = (await client.get(f"/admin/utilisateurs/{lucas.id}", headers=auth_headers(admin))).text
    assert "Changer le rôle" in html
    assert 'value="super_admin"' not in html  # never above one's own role
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/role",
        headers=writer(client, admin),
        data={"role": "admin"},
    )
    assert response.status_code == 200
    assert "Rôle changé : Administration." in response.text
    assert (await reload(factory, lucas)).role == Role.ADMIN
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/activation",
        headers=writer(client, admin),
        data={"actif": "false"},
    )
    assert response.status_code == 200
    assert not (await reload(factory, lucas)).is_active
    assert "Réactiver" in response.text
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/role", headers=writer(client, admin), data={}
    )
    assert response.status_code == 422
    assert "aria-invalid" in response.text


async def test_ones_own_account_and_the_last_admin_show_no_forbidden_button(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    html = (await client.get(f"/admin/utilisateurs/{admin.id}", headers=auth_headers(admin))).text
    assert "C'est votre compte" in html
    assert "Changer le rôle" not in html
    assert "Désactiver" not in html
    assert "Anonymiser" not in html
    assert "Fixer le code PIN" in html  # one's own PIN, yes
    # Changing one's own role is refused by the service anyway.
    response = await client.post(
        f"/admin/utilisateurs/{admin.id}/role",
        headers=writer(client, admin),
        data={"role": "viewer"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_edit_self"
    # A super admin sees that Claire is the site's last active admin: no demotion offered.
    chief = await factory.user(site, role=Role.SUPER_ADMIN)
    html = (await client.get(f"/admin/utilisateurs/{admin.id}", headers=auth_headers(chief))).text
    assert "Dernier administrateur actif" in html
    assert "Changer le rôle" not in html
    response = await client.post(
        f"/admin/utilisateurs/{admin.id}/activation",
        headers=writer(client, chief),
        data={"actif": "false"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    assert (await reload(factory, admin)).is_active


async def test_an_admin_never_manages_a_super_admin(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    chief = await factory.user(site, role=Role.SUPER_ADMIN, full_name="Sam Fédé")
    html = (await client.get(f"/admin/utilisateurs/{chief.id}", headers=auth_headers(admin))).text
    assert "Seul un super administrateur" in html
    for label in ("Changer le rôle", "Désactiver", "code PIN</button>", "Anonymiser</button>"):
        assert label not in html
    response = await client.post(
        f"/admin/utilisateurs/{chief.id}/pin", headers=writer(client, admin), data={"pin": "4827"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "cannot_manage_super_admin"


async def test_setting_removing_and_unlocking_a_pin(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    lucas = await factory.user(site, full_name="Lucas Caisse")
    # Not 4 to 8 digits: the form again, with the message beside the field.
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/pin", headers=writer(client, admin), data={"pin": "12"}
    )
    assert response.status_code == 422
    assert "4 à 8 chiffres" in response.text
    assert 'id="pin-pin-error"' in response.text
    # Too simple: the service's French error, shown by the script beside the form.
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/pin", headers=writer(client, admin), data={"pin": "1234"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "weak_pin"
    assert (await reload(factory, lucas)).pin_hash is None
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/pin", headers=writer(client, admin), data={"pin": "4827"}
    )
    assert response.status_code == 200
    assert "Code PIN enregistré." in response.text
    stored = await reload(factory, lucas)
    assert stored.pin_hash
    assert await verify_pin("4827", stored.pin_hash)
    assert "4827" not in response.text
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/pin/debloquer", headers=writer(client, admin)
    )
    assert response.status_code == 200
    assert "Code PIN débloqué." in response.text
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/pin/retirer", headers=writer(client, admin)
    )
    assert response.status_code == 200
    assert (await reload(factory, lucas)).pin_hash is None


async def test_anonymising_needs_the_ticked_confirmation(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    site, admin = shop
    lucas = await factory.user(site, full_name="Lucas Caisse")
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/anonymiser", headers=writer(client, admin)
    )
    assert response.status_code == 422
    assert "Cochez la case" in response.text
    assert (await reload(factory, lucas)).anonymized_at is None
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/anonymiser",
        headers=writer(client, admin),
        data={"confirmation": "oui"},
    )
    assert response.status_code == 200
    gone = await reload(factory, lucas)
    assert gone.anonymized_at is not None
    assert gone.telegram_id is None
    assert "Lucas Caisse" not in response.text
    assert "plus aucune action" in response.text


async def test_a_super_admin_moves_a_user_to_another_site(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    home, antenna = await factory.site(name="Siège"), await factory.site(name="Antenne")
    chief = await factory.user(home, role=Role.SUPER_ADMIN)
    lucas = await factory.user(home, full_name="Lucas Caisse")
    html = (await client.get(f"/admin/utilisateurs/{lucas.id}", headers=auth_headers(chief))).text
    assert "Changer de site" in html
    response = await client.post(
        f"/admin/utilisateurs/{lucas.id}/site",
        headers=writer(client, chief),
        data={"site_id": str(antenna.id)},
    )
    assert response.status_code == 200, response.text
    assert "rattaché·e à Antenne" in response.text
    assert (await reload(factory, lucas)).site_id == antenna.id
    # A site admin is never offered the move.
    admin = await factory.user(home, role=Role.ADMIN)
    other = await factory.user(home)
    html = (await client.get(f"/admin/utilisateurs/{other.id}", headers=auth_headers(admin))).text
    assert "Changer de site" not in html


async def test_empty_filter_choices_mean_no_filter(
    client: httpx.AsyncClient, factory: Factory, shop: tuple[Site, User]
) -> None:
    _, admin = shop
    response = await client.get(
        "/admin/utilisateurs?q=&role=&statut=&actif=", headers=auth_headers(admin)
    )
    assert response.status_code == 200, response.text
    assert "Claire Admin" in response.text
    response = await client.get(
        "/admin/sessions?statut=&caisse=&du=&au=", headers=auth_headers(admin)
    )
    assert response.status_code == 200, response.text
