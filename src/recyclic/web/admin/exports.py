"""Exports (`/admin/exports`): pick an export, a period and a format, download the file.

The page's form is sent by `static/js/admin_downloads.js` with `fetch` and the bearer token
(never in a URL), to `/admin/exports/fichier`, which streams the same file as the API route
behind it (`/api/v1/exports/...`, same service call): the browser saves the answer's bytes.
Viewers download the eco-organism and table exports; accounting and the journal archive are
for admins, like the API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import HTMLResponse, StreamingResponse

from recyclic.api.deps import DatabaseDep, SessionDep, SettingsDep
from recyclic.api.v1.exports import download
from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import utcnow
from recyclic.models.user import Role
from recyclic.services.reporting.export_service import (
    ECOLOGIC,
    ExportFile,
    ExportFormat,
    ExportService,
    PeriodQuery,
    Table,
)
from recyclic.utils.periods import local_date
from recyclic.web.admin.shell import AdminContext, ViewerPage, admin_router, render

router = admin_router()

# The exports, in the order of the page: (value, label, least role).
TABLE_LABELS = {
    Table.SALES: "Lignes de vente",
    Table.DEPOSITS: "Dépôts",
    Table.CASH_SESSIONS: "Sessions de caisse",
    Table.OUTBOUND_FLOWS: "Sorties",
}
PERIOD_KINDS = {"mois": "monthly", "trimestre": "quarterly", "annee": "yearly"}
FORMAT_LABELS = {
    "csv": "CSV (programmes, tableurs)",
    "csv-fr": "CSV « français » (Excel, LibreOffice : point-virgule, virgule décimale)",
    "xlsx": "Classeur Excel (XLSX)",
}
ExportName = Annotated[str, Query(alias="export", max_length=80, pattern=r"^[a-z0-9_:-]+$")]


def choices(ctx: AdminContext, organisms: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The exports this person may download, grouped as the page shows them."""
    eco = [(ECOLOGIC, "Ecologic (DEEE)")]
    eco += [(f"eco:{name}", f"Éco-organisme : {name}") for name in organisms if name != ECOLOGIC]
    eco.append(("summary", "Synthèse de toutes les catégories"))
    groups = [
        ("Éco-organismes", eco),
        ("Tableaux ligne à ligne", [(t.value, label) for t, label in TABLE_LABELS.items()]),
    ]
    if ctx.can(Role.ADMIN):
        groups.append(
            (
                "Comptabilité et archive",
                [
                    ("accounting", "Export comptable (recettes par jour, moyen, catégorie)"),
                    ("journal-archive", "Archive annuelle du journal de caisse (ZIP scellé)"),
                ],
            )
        )
    return groups


def _quarters(today: date) -> list[str]:
    """The last eight quarters, newest first: 2026-Q4, 2026-Q3…"""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(8):
        out.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out


@router.get("/admin/exports")
async def exports_page(ctx: ViewerPage, session: SessionDep) -> HTMLResponse:
    """The form: which export, which period (month by default: the last one ended), format."""
    organisms = await ExportService(session).known_eco_organisms(ctx.site)
    today = local_date(utcnow(), ctx.site.timezone)
    last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return render(
        ctx,
        "admin/exports.html",
        groups=choices(ctx, organisms),
        formats=FORMAT_LABELS,
        quarters=_quarters(today),
        today=today,
        last_month=last_month,
    )


def _period(
    kind: str, month: str | None, quarter: str | None, year: int | None, first: date | None,
    last: date | None,
) -> PeriodQuery:  # fmt: skip
    if kind == "dates":
        return PeriodQuery(None, None, first, last)
    value = {"mois": month, "trimestre": quarter, "annee": str(year) if year else None}[kind]
    if not value:
        names = {"mois": "le mois", "trimestre": "le trimestre", "annee": "l'année"}
        raise InvalidInput(f"Choisissez {names[kind]} de l'export.", code="invalid_period")
    return PeriodQuery(PERIOD_KINDS[kind], value, None, None)


@router.get("/admin/exports/fichier")
async def export_file(
    ctx: ViewerPage,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    export: ExportName,
    periode: Literal["mois", "trimestre", "annee", "dates"] = "mois",
    mois: Annotated[str | None, Query(max_length=7)] = None,
    trimestre: Annotated[str | None, Query(max_length=7)] = None,
    annee: Annotated[int | None, Query(ge=2000, le=9999)] = None,
    du: date | None = None,
    au: date | None = None,
    format: Literal["csv", "csv-fr", "xlsx"] = "csv",
) -> StreamingResponse:
    """The chosen export as an attachment: the same service call, hence the same bytes, as
    the API route (a domain error is the API's JSON error, shown beside the form)."""
    query = _period(periode, mois, trimestre, annee, du, au)
    fmt = ExportFormat(format)
    service = ExportService(session, database, secret=settings.secret_key.get_secret_value())
    site_id = ctx.site.id
    file: ExportFile
    if export in (ECOLOGIC, "summary") or export.startswith("eco:"):
        organism = None if export == "summary" else export.removeprefix("eco:")
        file = await service.eco_file(
            ctx.user, site_id=site_id, period=query, organism=organism, fmt=fmt
        )
    elif export == "journal-archive":
        if periode != "annee" or annee is None:
            raise InvalidInput(
                "L'archive du journal est annuelle : choisissez « Année ».", code="invalid_period"
            )
        file = await service.journal_archive(ctx.user, site_id=site_id, year=annee)
    else:
        span = query.resolve(ctx.site.timezone)
        if export == "accounting":
            file = await service.accounting(
                ctx.user, site_id=site_id, first_day=span.start, last_day=span.end, fmt=fmt
            )
        elif export in {t.value for t in Table}:
            file = await service.table(
                ctx.user, Table(export), site_id=site_id, first_day=span.start,
                last_day=span.end, fmt=fmt,
            )  # fmt: skip
        else:
            raise InvalidInput(f"Export inconnu : « {export} ».", code="unknown_export")
    return download(file)
