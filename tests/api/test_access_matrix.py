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
from tests.api.access_cases import CASES, Call, World
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
    return "allowed"


def expected_on_someone_elses_row(rule: Rule, role: Role | None) -> str:
    """For "own rows only" rules: acting on another person's row of one's own site."""
    want = expected_outcome(rule, role, other_site=False)
    if want != "allowed" or rule.owner_or is None or role is None:
        return want
    return "allowed" if role.at_least(rule.owner_or) else "403"


def observed_outcome(response: httpx.Response) -> str:
    body = response.json() if response.content else None
    code = body.get("code") if isinstance(body, dict) else None
    if response.status_code == 401 and code in ("unauthenticated", "invalid_token"):
        return "401"
    # "forbidden": the role is too low; "not_owner": the row is someone else's.
    if response.status_code == 403 and code in ("forbidden", "not_owner"):
        return "403"
    if response.status_code == 404:
        return "404"
    return "allowed"


@pytest.fixture
async def matrix_client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    # Generous auth rate limits: the matrix calls the auth routes many times from one IP.
    app = create_app(
        settings.model_copy(
            update={"auth_rate_limit_per_ip": 10_000, "auth_rate_limit_per_identity": 10_000}
        ),
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
        extra={"factory": factory},
    )
    app: FastAPI = matrix_client.app  # type: ignore[attr-defined]
    mismatches: list[str] = []
    checked = 0
    for method, path in api_routes(app):
        key = route_key(method, path)
        rule = PERMISSIONS[key]
        for role in ROLES:
            headers = auth_headers(actors[role]) if role is not None else {}
            # (other site?, acting on someone else's row of one's own site?)
            situations = [(False, False), (True, False)]
            if rule.owner_or is not None:
                situations.append((False, True))
            for other_site, others_row in situations:
                world.row_owner = world.own_user if others_row or role is None else actors[role]
                call = CASES[key](world, other_site)
                if inspect.isawaitable(call):
                    call = await call
                assert isinstance(call, Call)
                response = await matrix_client.request(
                    method, call.path, json=call.json, params=call.params, headers=headers
                )
                checked += 1
                if others_row:
                    want = expected_on_someone_elses_row(rule, role)
                else:
                    want = expected_outcome(rule, role, other_site)
                got = observed_outcome(response)
                if response.status_code >= 500 or got != want:
                    where = "other site" if other_site else "own site"
                    if others_row:
                        where = "someone else's row of own site"
                    mismatches.append(
                        f"{key} as {role or 'anonymous'} on {where}: expected {want}, "
                        f"got {response.status_code} {response.text[:120]}"
                    )
    routes = len(api_routes(app))
    print(
        f"\naccess matrix: {routes} routes × {len(ROLES)} roles × 2 sites (+ someone else's "
        f"rows for owner rules) = {checked} checks, {len(mismatches)} mismatches"
    )
    assert mismatches == [], "\n".join(mismatches)
