"""The access policy of every route, in one table (it mirrors the contract in api.md).

Routes enforce it with their own dependencies (`ViewerUser`, `AdminUser`… and the services'
site scoping); `tests/api/test_access_matrix.py` calls every route of the app as every role,
on its own site and on another one, and compares the answers with this table. A route that is
missing here fails that test.
"""

from __future__ import annotations

from dataclasses import dataclass

from recyclic.models.user import Role


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may call a route.

    role: the minimum role (None: public).
    site_scoped: the route names a site's row (path id, `site_id`): another site's is a 404.
    owner_or: when set, `role` may act only on rows they own; this role acts on any.
    """

    role: Role | None
    site_scoped: bool = False
    owner_or: Role | None = None


PUBLIC = Rule(None)
ANY = Rule(Role.VIEWER)

PERMISSIONS: dict[str, Rule] = {
    # Platform
    "GET /api/v1/health": PUBLIC,
    "GET /api/v1/categories": PUBLIC,
    "POST /api/v1/categories": Rule(Role.ADMIN),
    "PATCH /api/v1/categories/{code}": Rule(Role.ADMIN),
    # Authentication (the credential is in the body)
    "POST /api/v1/auth/telegram": PUBLIC,
    "POST /api/v1/auth/telegram/webapp": PUBLIC,
    "POST /api/v1/auth/code": PUBLIC,
    "POST /api/v1/auth/pin": PUBLIC,
    "POST /api/v1/auth/refresh": PUBLIC,
    # The web app's cookie credentials (refresh, paired tablet) with their CSRF token
    "DELETE /api/v1/auth/refresh": PUBLIC,
    "GET /api/v1/auth/csrf": PUBLIC,
    "GET /api/v1/devices/current": PUBLIC,
    "POST /api/v1/auth/logout": ANY,
    # Users
    "GET /api/v1/users/me": ANY,
    "PUT /api/v1/users/me/pin": ANY,
    "GET /api/v1/users": Rule(Role.ADMIN, site_scoped=True),
    "POST /api/v1/users": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/users/{user_id}": Rule(Role.ADMIN, site_scoped=True),
    "PATCH /api/v1/users/{user_id}": Rule(Role.ADMIN, site_scoped=True),
    "POST /api/v1/users/{user_id}/anonymize": Rule(Role.ADMIN, site_scoped=True),
    "POST /api/v1/users/{user_id}/pin/unlock": Rule(Role.ADMIN, site_scoped=True),
    "PUT /api/v1/users/{user_id}/pin": Rule(Role.ADMIN, site_scoped=True),
    "DELETE /api/v1/users/{user_id}/pin": Rule(Role.ADMIN, site_scoped=True),
    # Sites
    "GET /api/v1/sites": ANY,
    "GET /api/v1/sites/{site_id}": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/sites": Rule(Role.SUPER_ADMIN),
    "PATCH /api/v1/sites/{site_id}": Rule(Role.ADMIN, site_scoped=True),
    # Audit
    "GET /api/v1/audit-logs": Rule(Role.ADMIN, site_scoped=True),
    # Cash registers and sessions
    "GET /api/v1/cash-registers": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/cash-registers": Rule(Role.ADMIN, site_scoped=True),
    "PATCH /api/v1/cash-registers/{register_id}": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/cash-registers/{register_id}": Rule(Role.VIEWER, site_scoped=True),
    # Paired tablets
    "POST /api/v1/devices": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/devices": Rule(Role.ADMIN, site_scoped=True),
    "PATCH /api/v1/devices/{device_id}": Rule(Role.ADMIN, site_scoped=True),
    "POST /api/v1/devices/{device_id}/revoke": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/cash-sessions": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/cash-sessions": Rule(Role.OPERATOR, site_scoped=True),
    "GET /api/v1/cash-sessions/current": Rule(Role.OPERATOR),
    "GET /api/v1/cash-sessions/{session_id}": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/cash-sessions/{session_id}/movements": Rule(
        Role.OPERATOR, site_scoped=True, owner_or=Role.ADMIN
    ),
    "POST /api/v1/cash-sessions/{session_id}/close": Rule(
        Role.OPERATOR, site_scoped=True, owner_or=Role.ADMIN
    ),
    "GET /api/v1/cash-sessions/{session_id}/report": Rule(Role.VIEWER, site_scoped=True),
    # Sales
    "GET /api/v1/sales": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/sales": Rule(Role.OPERATOR, site_scoped=True, owner_or=Role.ADMIN),
    "GET /api/v1/sales/{sale_id}": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/sales/{sale_id}/receipt": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/sales/{sale_id}/refund": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/stats/daily-total": Rule(Role.VIEWER, site_scoped=True),
    # Closings and journal
    "GET /api/v1/closings": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/closings": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/closings/{closing_id}": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/journal/verify": Rule(Role.ADMIN, site_scoped=True),
    # Deposits
    "GET /api/v1/deposits": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/deposits": Rule(Role.OPERATOR, site_scoped=True),
    "GET /api/v1/deposits/{deposit_id}": Rule(Role.VIEWER, site_scoped=True),
    "PATCH /api/v1/deposits/{deposit_id}": Rule(
        Role.OPERATOR, site_scoped=True, owner_or=Role.ADMIN
    ),
    "DELETE /api/v1/deposits/{deposit_id}": Rule(
        Role.OPERATOR, site_scoped=True, owner_or=Role.ADMIN
    ),
    "POST /api/v1/deposits/{deposit_id}/classify": Rule(Role.OPERATOR, site_scoped=True),
    "POST /api/v1/deposits/{deposit_id}/validate": Rule(Role.OPERATOR, site_scoped=True),
    # Statistics
    "GET /api/v1/stats/summary": Rule(Role.VIEWER, site_scoped=True),
    # Outbound flows
    "GET /api/v1/outbound-flows": Rule(Role.VIEWER, site_scoped=True),
    "POST /api/v1/outbound-flows": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/outbound-flows/{flow_id}": Rule(Role.VIEWER, site_scoped=True),
    "PATCH /api/v1/outbound-flows/{flow_id}": Rule(Role.ADMIN, site_scoped=True),
    "DELETE /api/v1/outbound-flows/{flow_id}": Rule(Role.ADMIN, site_scoped=True),
    # Exports
    "GET /api/v1/exports/ecologic": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/eco-organisms/{name}": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/summary": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/sales": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/deposits": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/cash-sessions": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/outbound-flows": Rule(Role.VIEWER, site_scoped=True),
    "GET /api/v1/exports/accounting": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/exports/journal-archive": Rule(Role.ADMIN, site_scoped=True),
    # Cloud sync and background jobs
    "GET /api/v1/sync/logs": Rule(Role.ADMIN, site_scoped=True),
    "POST /api/v1/sync/run": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/jobs": Rule(Role.ADMIN, site_scoped=True),
    "GET /api/v1/jobs/{job_id}": Rule(Role.ADMIN, site_scoped=True),
    # Telegram (the credential is the secret-token header Telegram sends)
    "POST /api/v1/telegram/webhook": PUBLIC,
}


def route_key(method: str, path: str) -> str:
    """The table's key for a route."""
    return f"{method.upper()} {path}"
