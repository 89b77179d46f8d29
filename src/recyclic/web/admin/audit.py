"""The audit log (`/admin/audit`): who changed what, newest first, filtered by actor,
action, entity and period — the filters and the cursor live in the URL (admins, like
`GET /api/v1/audit-logs`)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse

from recyclic.api.deps import SessionDep
from recyclic.core.exceptions import InvalidInput
from recyclic.repositories.user_repository import UserFilters
from recyclic.services.access.audit import AuditService
from recyclic.services.people.users import UserService
from recyclic.utils.periods import ensure_ordered, local_midnight, zone
from recyclic.web.admin.shell import AdminPage, admin_router, render

router = admin_router()

PAGE_SIZE = 50
ENTITY_LABELS = {
    "category": "Catégorie",
    "user": "Utilisateur",
    "site": "Site",
    "cash_register": "Caisse",
    "device": "Tablette",
    "sale": "Vente",
    "deposit": "Dépôt",
    "outbound_flow": "Sortie",
}
ACTION_LABELS = {
    "category.": "Catégories (toutes)",
    "user.": "Utilisateurs (toutes)",
    "site.": "Site (toutes)",
    "sale.refund": "Remboursements",
    "deposit.correct": "Corrections de dépôts",
    "device.": "Tablettes (toutes)",
    "cash_register.": "Caisses (toutes)",
    "outbound_flow.": "Sorties (toutes)",
}
Text = Annotated[str | None, Query(max_length=64)]


def _uuid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput("Auteur inconnu.", code="invalid_filter") from None


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} : date invalide (AAAA-MM-JJ).", code="invalid_period") from None


@router.get("/admin/audit")
async def audit_page(
    ctx: AdminPage,
    session: SessionDep,
    auteur: Text = None,
    action: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_.]*$")] = None,
    objet: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]*$")] = None,
    identifiant: Text = None,
    first: Annotated[str | None, Query(alias="du", max_length=10)] = None,
    last: Annotated[str | None, Query(alias="au", max_length=10)] = None,
    curseur: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """The site's entries (and the shared categories' ones) matching the filters (an empty
    field of the filter form is no filter)."""
    actor = _uuid(auteur)
    du, au = _date(first, "Du"), _date(last, "Au")
    ensure_ordered(du, au)
    # Local days of the site: from the first one's midnight to the day after the last one.
    tz = zone(ctx.site.timezone)
    since = local_midnight(du, tz) if du else None
    until = local_midnight(au + timedelta(days=1), tz) if au else None
    page = await AuditService(session).page(
        ctx.site.id,
        entity_type=objet or None,
        entity_id=identifiant or None,
        actor_id=actor,
        action=action or None,
        since=since,
        until=until,
        limit=PAGE_SIZE,
        cursor=curseur,
    )
    people = await UserService(session).list_users(
        ctx.user, site_id=ctx.site.id, filters=UserFilters(), limit=500, cursor=None
    )
    names = {person.id: person.full_name or person.username or "—" for person in people.items}
    filters = {
        "auteur": actor,
        "action": action,
        "objet": objet,
        "identifiant": identifiant,
        "du": du.isoformat() if du else None,
        "au": au.isoformat() if au else None,
    }
    return render(
        ctx,
        "admin/audit.html",
        page=page,
        names=names,
        filters=filters,
        cursor=curseur,
        entity_labels=ENTITY_LABELS,
        action_labels=ACTION_LABELS,
    )
