"""R7: every route × every role × own site / other site, against the permission table."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from recyclic.api.permissions import PERMISSIONS, Rule, route_key
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.main import create_app
from recyclic.models.user import Role
from tests.api.access_cases import CASES, ROW_OWNER_AWARE, Call, World
from tests.factories import Factory, auth_headers

ROLES: list[Role | None] = [None, Role.VIEWER, Role.OPERATOR, Role.ADMIN, Role.SUPER_ADMIN]


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every API route, as the OpenAPI document lists them."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith("/api/"):
            for method in sorted(operations):
                found.append((method.upper(), path))
    return found


def expected_outcome(rule: Rule, role: Role | None, other_site: bool) -> str:
    if rule.role is None:
        return "allowed"
    if role is None:
        return "401"
    if not role.at_least(rule.role):
        return "403"
    if rule.site_scoped and other_site and role != Role.SUPER_ADMIN:
        return "404"
    # The matrix's rows belong to another user: only `owner_or` and above may act on them.
    if rule.owner_or is not None and not role.at_least(rule.owner_or):
        return "403"
    return "allowed"


def expected_on_own_row(rule: Rule, role: Role | None) -> str:
    """For "own rows only" rules: the caller acting on a row of their own (site and person)."""
    want = expected_outcome(rule, role, other_site=False)
    return "allowed" if want == "403" and role is not None and role.at_least(rule.role) else want


def observed_outcome(response: httpx.Response) -> str:
    is_json = response.headers.get("content-type", "").startswith("application/json")
    body = response.json() if is_json and response.content else None
    code = body.get("code") if isinstance(body, dict) else None
    if response.status_code == 401 and code in ("unauthenticated", "invalid_token"):
        return "401"
    if response.status_code == 403:
        return "403"
    if response.status_code == 404:
        return "404"
    return "allowed"


@pytest.fixture
async def matrix_client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    # Generous auth rate limits: the matrix calls the auth routes many times from one IP.
    app = create_app(
        settings.model_copy(update={"auth_rate_limit_per_ip": 10_000}),
        database=database,
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


def test_every_route_has_a_permission_and_a_case(app: FastAPI) -> None:
    keys = {route_key(m, p) for m, p in api_routes(app)}
    assert sorted(keys - PERMISSIONS.keys()) == [], "routes without an entry in PERMISSIONS"
    assert sorted(keys - CASES.keys()) == [], "routes without a case in access_cases.CASES"
    assert sorted(PERMISSIONS.keys() - keys) == [], "PERMISSIONS names routes that do not exist"


async def test_access_matrix(matrix_client: httpx.AsyncClient, factory: Factory) -> None:
    site, other = await factory.site(), await factory.site()
    actors = {role: await factory.user(site, role=role) for role in ROLES if role is not None}
    # Spare admins so that no request trips the "last admin" rule.
    await factory.user(site, role=Role.ADMIN)
    await factory.user(other, role=Role.ADMIN)
    world = World(
        site=site,
        other=other,
        own_user=await factory.user(site),
        other_user=await factory.user(other),
    )
    await _prepare_cash(world, factory, actors)
    world.extra["factory"] = factory  # for case builders that create fresh rows
    app: FastAPI = matrix_client.app  # type: ignore[attr-defined]
    mismatches: list[str] = []
    checked = 0
    for method, path in api_routes(app):
        key = route_key(method, path)
        rule = PERMISSIONS[key]
        for role in ROLES:
            headers = auth_headers(actors[role]) if role is not None else {}
            # (other site?, the caller's own row?) — rows are someone else's unless the case
            # builds them for `World.row_owner` (ROW_OWNER_AWARE) and the rule is "own rows".
            situations = [(False, False), (True, False)]
            if rule.owner_or is not None and key in ROW_OWNER_AWARE:
                situations.append((False, True))
            for other_site, own_row in situations:
                world.row_owner = actors[role] if own_row and role is not None else None
                call = CASES[key](world, other_site)
                if inspect.isawaitable(call):
                    call = await call
                assert isinstance(call, Call)
                response = await matrix_client.request(
                    method, call.path, json=call.json, params=call.params, headers=headers
                )
                checked += 1
                if own_row:
                    want = expected_on_own_row(rule, role)
                else:
                    want = expected_outcome(rule, role, other_site)
                got = observed_outcome(response)
                if response.status_code >= 500 or got != want:
                    where = "other site" if other_site else "own site"
                    if own_row:
                        where = "own site, own row"
                    mismatches.append(
                        f"{key} as {role or 'anonymous'} on {where}: expected {want}, "
                        f"got {response.status_code} {response.text[:120]}"
                    )
    routes = len(api_routes(app))
    print(
        f"\naccess matrix: {routes} routes × {len(ROLES)} roles × 2 sites (+ own rows for "
        f"owner rules) = {checked} checks, {len(mismatches)} mismatches"
    )
    assert mismatches == [], "\n".join(mismatches)


async def _prepare_cash(world: World, factory: Factory, actors: dict[Role, object]) -> None:
    """Registers, sessions (owned by a plain operator), a sale and a closing on both sites;
    every actor who may sell has an open session of their own (for /cash-sessions/current)."""
    from recyclic.models.journal import ClosingKind
    from recyclic.services.cash.closings import ClosingService

    for prefix, site, owner in (
        ("own", world.site, world.own_user),
        ("other", world.other, world.other_user),
    ):
        register = await factory.register(site)
        world.extra[f"{prefix}_register"] = register
        world.extra[f"{prefix}_device"] = await factory.device(register, owner)
        session = await factory.open_session(register, owner)
        world.extra[f"{prefix}_session"] = session
        sale = await factory.sale(session, owner)
        world.extra[f"{prefix}_sale"] = sale.sale
        world.extra[f"{prefix}_sale_line"] = sale.lines[0].id
        spare_owner = await factory.user(site)
        world.extra[f"{prefix}_spare_session"] = await factory.open_session(
            await factory.register(site), spare_owner
        )
        admin = await factory.user(site, role=Role.ADMIN)
        async with factory.database.unit_of_work() as uow:
            closing = await ClosingService(uow).close_period(
                admin, kind=ClosingKind.YEARLY, date="2000", site_id=None
            )
        world.extra[f"{prefix}_closing"] = closing
    for role, actor in actors.items():
        if role.at_least(Role.OPERATOR):
            await factory.open_session(await factory.register(world.site), actor)  # type: ignore[arg-type]
