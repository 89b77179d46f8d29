"""How to call each route for the generated access matrix: a valid request aimed at the
caller's own site, or at another site. Add an entry with every new route."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from recyclic.models.site import Site
from recyclic.models.user import User

_unique = itertools.count(1)


@dataclass
class World:
    """Rows of the caller's site (`site`) and of another site (`other`)."""

    site: Site
    other: Site
    own_user: User
    other_user: User
    extra: dict[str, Any] = field(default_factory=dict)
    # Owner of the rows that ROW_OWNER_AWARE builders create on the caller's site: the caller
    # when the matrix checks "own rows" rules, else None (`own_user`, someone else).
    row_owner: User | None = None

    def site_of(self, other: bool) -> Site:
        return self.other if other else self.site

    def user_of(self, other: bool) -> User:
        return self.other_user if other else self.own_user

    def of(self, name: str, other: bool) -> Any:
        """A row prepared for the matrix: `extra["own_<name>"]` or `extra["other_<name>"]`."""
        return self.extra[f"{'other' if other else 'own'}_{name}"]

    def id_of(self, name: str, other: bool) -> str:
        return str(self.of(name, other).id)


@dataclass(frozen=True)
class Call:
    path: str
    json: Any = None
    params: dict[str, str] | None = None


# Builders that need fresh rows (a deposit to delete…) are async and use `extra["factory"]`.
CaseBuilder = Callable[[World, bool], Call | Awaitable[Call]]


def _n() -> int:
    return next(_unique)


def _on_deposit(suffix: str = "", json: Any = None) -> CaseBuilder:
    """A call on a fresh draft deposit of the target site (owned by `World.row_owner`, else by
    someone other than the caller)."""

    async def build(w: World, o: bool) -> Call:
        owner = w.other_user if o else (w.row_owner or w.own_user)
        deposit = await w.extra["factory"].deposit(w.site_of(o), owner)
        return Call(f"/api/v1/deposits/{deposit.id}{suffix}", json=json)

    return build


def _on_flow(json: Any = None) -> CaseBuilder:
    """A call on a fresh outbound flow of the target site."""

    async def build(w: World, o: bool) -> Call:
        flow = await w.extra["factory"].outbound_flow(w.site_of(o), w.user_of(o))
        return Call(f"/api/v1/outbound-flows/{flow.id}", json=json)

    return build


def _on_job() -> CaseBuilder:
    """A call on a job of the target site (due tomorrow: nothing runs it meanwhile)."""

    async def build(w: World, o: bool) -> Call:
        job = await w.extra["factory"].job(w.site_of(o))
        return Call(f"/api/v1/jobs/{job.id}")

    return build


def _on_device(suffix: str) -> CaseBuilder:
    """A call on a fresh paired tablet of the target site."""

    async def build(w: World, o: bool) -> Call:
        device = await w.extra["factory"].device(w.of("register", o), w.user_of(o))
        return Call(f"/api/v1/devices/{device.id}{suffix}")

    return build


def _export(path: str, **params: str) -> CaseBuilder:
    """An export of the target site (named by `site_id`)."""
    return lambda w, o: Call(
        f"/api/v1/exports/{path}", params={**params, "site_id": str(w.site_of(o).id)}
    )


CASES: dict[str, CaseBuilder] = {
    "GET /api/v1/health": lambda w, o: Call("/api/v1/health"),
    "GET /api/v1/categories": lambda w, o: Call("/api/v1/categories"),
    "POST /api/v1/categories": lambda w, o: Call(
        "/api/v1/categories", json={"code": f"X{_n()}", "label": "Essai", "family": "DIV"}
    ),
    "PATCH /api/v1/categories/{code}": lambda w, o: Call(
        "/api/v1/categories/DIV", json={"display_order": 180 + _n() % 2}
    ),
    "POST /api/v1/auth/telegram": lambda w, o: Call("/api/v1/auth/telegram", json={"id": 1}),
    "POST /api/v1/auth/telegram/webapp": lambda w, o: Call(
        "/api/v1/auth/telegram/webapp", json={"init_data": "user=%7B%7D&hash=00"}
    ),
    "POST /api/v1/auth/code": lambda w, o: Call("/api/v1/auth/code", json={"code": "ABCD2345"}),
    "POST /api/v1/auth/pin": lambda w, o: Call(
        "/api/v1/auth/pin", json={"telegram_id": 1, "pin": "4821"}
    ),
    "POST /api/v1/auth/refresh": lambda w, o: Call(
        "/api/v1/auth/refresh", json={"refresh_token": "unknown"}
    ),
    "POST /api/v1/auth/logout": lambda w, o: Call(
        "/api/v1/auth/logout", json={"refresh_token": "unknown"}
    ),
    "DELETE /api/v1/auth/refresh": lambda w, o: Call("/api/v1/auth/refresh"),
    "GET /api/v1/auth/csrf": lambda w, o: Call("/api/v1/auth/csrf"),
    "GET /api/v1/devices/current": lambda w, o: Call("/api/v1/devices/current"),
    "POST /api/v1/devices": lambda w, o: Call(
        "/api/v1/devices", json={"register_id": w.id_of("register", o), "name": f"T{_n()}"}
    ),
    "GET /api/v1/devices": lambda w, o: Call(
        "/api/v1/devices", params={"site_id": str(w.site_of(o).id)}
    ),
    "PATCH /api/v1/devices/{device_id}": lambda w, o: Call(
        f"/api/v1/devices/{w.id_of('device', o)}", json={"name": f"Tablette {_n()}"}
    ),
    "POST /api/v1/devices/{device_id}/revoke": _on_device("/revoke"),
    "GET /api/v1/users/me": lambda w, o: Call("/api/v1/users/me"),
    "PUT /api/v1/users/me/pin": lambda w, o: Call("/api/v1/users/me/pin", json={"pin": "4821"}),
    "GET /api/v1/users": lambda w, o: Call(
        "/api/v1/users", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/users": lambda w, o: Call(
        "/api/v1/users",
        json={
            "telegram_id": 80_000_000 + _n(),
            "full_name": "Nouveau",
            "site_id": str(w.site_of(o).id),
        },
    ),
    "GET /api/v1/users/{user_id}": lambda w, o: Call(f"/api/v1/users/{w.user_of(o).id}"),
    "PATCH /api/v1/users/{user_id}": lambda w, o: Call(
        f"/api/v1/users/{w.user_of(o).id}", json={"full_name": f"Renommé {_n()}"}
    ),
    "POST /api/v1/users/{user_id}/pin/unlock": lambda w, o: Call(
        f"/api/v1/users/{w.user_of(o).id}/pin/unlock"
    ),
    "PUT /api/v1/users/{user_id}/pin": lambda w, o: Call(
        f"/api/v1/users/{w.user_of(o).id}/pin", json={"pin": "4827"}
    ),
    "DELETE /api/v1/users/{user_id}/pin": lambda w, o: Call(f"/api/v1/users/{w.user_of(o).id}/pin"),
    "POST /api/v1/users/{user_id}/anonymize": lambda w, o: Call(
        f"/api/v1/users/{w.user_of(o).id}/anonymize"
    ),
    "GET /api/v1/sites": lambda w, o: Call("/api/v1/sites"),
    "GET /api/v1/sites/{site_id}": lambda w, o: Call(f"/api/v1/sites/{w.site_of(o).id}"),
    "POST /api/v1/sites": lambda w, o: Call("/api/v1/sites", json={"name": f"Site {_n()}"}),
    "PATCH /api/v1/sites/{site_id}": lambda w, o: Call(
        f"/api/v1/sites/{w.site_of(o).id}", json={"address": f"{_n()} rue du Port"}
    ),
    "GET /api/v1/audit-logs": lambda w, o: Call(
        "/api/v1/audit-logs", params={"site_id": str(w.site_of(o).id)}
    ),
    # Cash registers and sessions
    "GET /api/v1/cash-registers": lambda w, o: Call(
        "/api/v1/cash-registers", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/cash-registers": lambda w, o: Call(
        "/api/v1/cash-registers", json={"name": f"Caisse {_n()}", "site_id": str(w.site_of(o).id)}
    ),
    "GET /api/v1/cash-registers/{register_id}": lambda w, o: Call(
        f"/api/v1/cash-registers/{w.id_of('register', o)}"
    ),
    "PATCH /api/v1/cash-registers/{register_id}": lambda w, o: Call(
        f"/api/v1/cash-registers/{w.id_of('register', o)}", json={"is_active": True}
    ),
    "GET /api/v1/cash-sessions": lambda w, o: Call(
        "/api/v1/cash-sessions", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/cash-sessions": lambda w, o: Call(
        "/api/v1/cash-sessions",
        json={"register_id": w.id_of("register", o), "opening_amount": 50},
    ),
    "GET /api/v1/cash-sessions/current": lambda w, o: Call("/api/v1/cash-sessions/current"),
    "GET /api/v1/cash-sessions/{session_id}": lambda w, o: Call(
        f"/api/v1/cash-sessions/{w.id_of('session', o)}"
    ),
    "POST /api/v1/cash-sessions/{session_id}/movements": lambda w, o: Call(
        f"/api/v1/cash-sessions/{w.id_of('session', o)}/movements",
        json={"amount": 5, "reason": "Appoint"},
    ),
    "POST /api/v1/cash-sessions/{session_id}/close": lambda w, o: Call(
        f"/api/v1/cash-sessions/{w.id_of('spare_session', o)}/close",
        json={"actual_amount": 50, "variance_comment": "test"},
    ),
    "GET /api/v1/cash-sessions/{session_id}/report": lambda w, o: Call(
        f"/api/v1/cash-sessions/{w.id_of('session', o)}/report"
    ),
    # Sales
    "GET /api/v1/sales": lambda w, o: Call(
        "/api/v1/sales", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/sales": lambda w, o: Call(
        "/api/v1/sales",
        json={
            "session_id": w.id_of("session", o),
            "items": [{"category": "LIV", "unit_price": 1}],
            "payments": [{"method": "cash", "amount": 1}],
        },
    ),
    "GET /api/v1/sales/{sale_id}": lambda w, o: Call(f"/api/v1/sales/{w.id_of('sale', o)}"),
    "GET /api/v1/sales/{sale_id}/receipt": lambda w, o: Call(
        f"/api/v1/sales/{w.id_of('sale', o)}/receipt"
    ),
    "POST /api/v1/sales/{sale_id}/refund": lambda w, o: Call(
        f"/api/v1/sales/{w.id_of('sale', o)}/refund",
        json={
            "session_id": w.id_of("session", o),
            "reason": "Défaut",
            "method": "cash",
            "items": [{"line_id": str(w.of("sale_line", o)), "quantity": 1}],
        },
    ),
    "GET /api/v1/stats/daily-total": lambda w, o: Call(
        "/api/v1/stats/daily-total", params={"site_id": str(w.site_of(o).id)}
    ),
    # Closings and journal
    "GET /api/v1/closings": lambda w, o: Call(
        "/api/v1/closings", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/closings": lambda w, o: Call(
        "/api/v1/closings",
        json={"kind": "yearly", "date": "2001"},
        params={"site_id": str(w.site_of(o).id)},
    ),
    "GET /api/v1/closings/{closing_id}": lambda w, o: Call(
        f"/api/v1/closings/{w.id_of('closing', o)}"
    ),
    "GET /api/v1/journal/verify": lambda w, o: Call(
        "/api/v1/journal/verify", params={"site_id": str(w.site_of(o).id)}
    ),
    "GET /api/v1/deposits": lambda w, o: Call(
        "/api/v1/deposits", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/deposits": lambda w, o: Call(
        "/api/v1/deposits",
        json={"description": "un grille-pain", "site_id": str(w.site_of(o).id)},
    ),
    "GET /api/v1/deposits/{deposit_id}": _on_deposit(),
    "PATCH /api/v1/deposits/{deposit_id}": _on_deposit(json={"description": "Table basse"}),
    "DELETE /api/v1/deposits/{deposit_id}": _on_deposit(),
    "POST /api/v1/deposits/{deposit_id}/classify": _on_deposit(
        "/classify", json={"description": "deux chaises en bois"}
    ),
    "POST /api/v1/deposits/{deposit_id}/validate": _on_deposit(
        "/validate", json={"category": "MOB", "weight_kg": 7.5, "quantity": 1}
    ),
    "GET /api/v1/stats/summary": lambda w, o: Call(
        "/api/v1/stats/summary", params={"site_id": str(w.site_of(o).id)}
    ),
    # Outbound flows
    "GET /api/v1/outbound-flows": lambda w, o: Call(
        "/api/v1/outbound-flows", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/outbound-flows": lambda w, o: Call(
        "/api/v1/outbound-flows",
        json={
            "date": "2026-11-02",
            "category": "EEE-4",
            "weight_kg": 120,
            "destination": "eco_organism",
            "site_id": str(w.site_of(o).id),
        },
    ),
    "GET /api/v1/outbound-flows/{flow_id}": _on_flow(),
    "PATCH /api/v1/outbound-flows/{flow_id}": _on_flow(json={"partner": "Envie"}),
    "DELETE /api/v1/outbound-flows/{flow_id}": _on_flow(),
    # Exports
    "GET /api/v1/exports/ecologic": _export("ecologic", period="monthly", date="2026-11"),
    "GET /api/v1/exports/eco-organisms/{name}": _export(
        "eco-organisms/ecomaison", period="yearly", date="2026"
    ),
    "GET /api/v1/exports/summary": _export("summary", **{"from": "2026-11-01", "to": "2026-11-30"}),
    "GET /api/v1/exports/sales": _export("sales"),
    "GET /api/v1/exports/deposits": _export("deposits", format="xlsx"),
    "GET /api/v1/exports/cash-sessions": _export("cash-sessions", format="csv-fr"),
    "GET /api/v1/exports/outbound-flows": _export("outbound-flows"),
    "GET /api/v1/exports/accounting": _export("accounting"),
    "GET /api/v1/exports/journal-archive": _export("journal-archive", year="2026"),
    # Cloud sync and jobs (no site has a sync target here: "sync now" answers 409)
    "GET /api/v1/sync/logs": lambda w, o: Call(
        "/api/v1/sync/logs", params={"site_id": str(w.site_of(o).id)}
    ),
    "POST /api/v1/sync/run": lambda w, o: Call(
        "/api/v1/sync/run", params={"site_id": str(w.site_of(o).id)}
    ),
    "GET /api/v1/jobs": lambda w, o: Call("/api/v1/jobs", params={"site_id": str(w.site_of(o).id)}),
    "GET /api/v1/jobs/{job_id}": _on_job(),
    # Without Telegram's secret header: refused by the secret check, whoever calls.
    "POST /api/v1/telegram/webhook": lambda w, o: Call(
        "/api/v1/telegram/webhook", json={"update_id": 1}
    ),
}

# Builders that create their row for `World.row_owner`: the matrix also calls them on the
# caller's own row, where "operator+ (own)" rules must allow the operator.
ROW_OWNER_AWARE = frozenset(
    {"PATCH /api/v1/deposits/{deposit_id}", "DELETE /api/v1/deposits/{deposit_id}"}
)
