"""Exports: eco-organisms (Ecologic…), streamed tables, accounting, the journal archive."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.api.deps import (
    AdminUser,
    DatabaseDep,
    SessionDep,
    SettingsDep,
    SiteIdQuery,
    ViewerUser,
)
from recyclic.models.user import User
from recyclic.schemas.export import (
    EcoExportOut,
    EcoFormatParam,
    EcoRowOut,
    FileFormatParam,
    PeriodKindParam,
)
from recyclic.services.reporting.eco_organisms import render
from recyclic.services.reporting.export_service import (
    ECOLOGIC,
    EcoReport,
    ExportFile,
    ExportFormat,
    ExportService,
    PeriodQuery,
    Table,
)

router = APIRouter(
    prefix="/exports",
    tags=["exports"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Autre site, ou éco-organisme inconnu"},
        422: {"description": "Période ou format invalide"},
    },
)

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_TABLE_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Fichier CSV (UTF-8) ou XLSX, en pièce jointe",
        "content": {"text/csv": _BINARY, ExportFormat.XLSX.media_type: _BINARY},
    }
}
_ECO_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON (format=json), ou fichier CSV / XLSX en pièce jointe",
        "content": {"text/csv": _BINARY, ExportFormat.XLSX.media_type: _BINARY},
    }
}
_ZIP: dict[int | str, dict[str, Any]] = {
    200: {"description": "Archive ZIP scellée", "content": {"application/zip": _BINARY}}
}

PeriodParam = Annotated[
    PeriodKindParam | None, Query(alias="period", description="Période nommée (avec date).")
]
DateParam = Annotated[
    str | None,
    Query(
        alias="date",
        max_length=10,
        description="2026-11-26, 2026-W48, 2026-11, 2026-Q4 ou 2026 selon la période.",
    ),
]
FromParam = Annotated[date | None, Query(alias="from", description="Premier jour inclus.")]
ToParam = Annotated[date | None, Query(alias="to", description="Dernier jour inclus.")]


async def period_query(
    period: PeriodParam = None,
    value: DateParam = None,
    first_day: FromParam = None,
    last_day: ToParam = None,
) -> PeriodQuery:
    """`?period=…&date=…` or `?from=…&to=…`, read once for every export route."""
    return PeriodQuery(period, value, first_day, last_day)


PeriodDep = Annotated[PeriodQuery, Depends(period_query)]


def download(export: ExportFile) -> StreamingResponse:
    """An export as an attachment, streamed as it is produced."""
    return StreamingResponse(
        export.chunks,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )


def eco_out(report: EcoReport) -> EcoExportOut:
    return EcoExportOut(
        site_id=report.site.id,
        site=report.site.name,
        eco_organism=report.organism,
        timezone=report.site.timezone,
        period_kind=report.period.kind,
        period_label=report.period.label,
        period_start=report.period.start,
        period_end=report.period.end,
        generated_at=report.generated_at,
        rows=[
            EcoRowOut(
                category_code=r.code,
                category_label=r.label,
                weee_category=r.weee_category,
                flow=r.flow,
                eco_organism=r.eco_organism,
                deposits_count=r.deposits_count,
                weight_in_kg=r.weight_in_g,
                items_sold=r.items_sold,
                weight_sold_kg=r.weight_sold_g,
                sales_amount_eur=r.sales_cents,
                weight_recycled_kg=r.weight_recycled_g,
                weight_disposed_kg=r.weight_disposed_g,
                weight_donated_kg=r.weight_donated_g,
            )
            for r in report.rows
        ],
    )


async def _eco(
    actor: User,
    session: AsyncSession,
    site_id: uuid.UUID | None,
    organism: str | None,
    query: PeriodQuery,
    fmt: str,
) -> Any:
    report = await ExportService(session).eco_report(
        actor, site_id=site_id, period=query, organism=organism
    )
    if fmt == "json":
        return eco_out(report)
    return download(render(report, ExportFormat(fmt)))


@router.get(
    "/ecologic", response_model=EcoExportOut, responses=_ECO_FILES, summary="Export Ecologic"
)
async def ecologic(
    actor: ViewerUser,
    session: SessionDep,
    query: PeriodDep,
    site_id: SiteIdQuery = None,
    format: EcoFormatParam = "csv",
) -> Any:
    """One row per category reporting to Ecologic on this site (zero-filled, display order):
    validated deposits, sales net of refunds and discounts, recycled and disposed weights."""
    return await _eco(actor, session, site_id, ECOLOGIC, query, format)


@router.get(
    "/eco-organisms/{name}",
    response_model=EcoExportOut,
    responses=_ECO_FILES,
    summary="Export pour un éco-organisme",
)
async def eco_organism(
    name: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    actor: ViewerUser,
    session: SessionDep,
    query: PeriodDep,
    site_id: SiteIdQuery = None,
    format: EcoFormatParam = "csv",
) -> Any:
    """The same columns, for the categories this site maps to `name` (404 for a name that
    no category nor site setting uses)."""
    return await _eco(actor, session, site_id, name, query, format)


@router.get(
    "/summary",
    response_model=EcoExportOut,
    responses=_ECO_FILES,
    summary="Synthèse toutes catégories",
)
async def summary(
    actor: ViewerUser,
    session: SessionDep,
    query: PeriodDep,
    site_id: SiteIdQuery = None,
    format: EcoFormatParam = "csv",
) -> Any:
    """Every category, with its eco-organism and the weight given away as well."""
    return await _eco(actor, session, site_id, None, query, format)


def _table_route(table: Table, summary_text: str) -> None:
    async def export_table(
        actor: ViewerUser,
        session: SessionDep,
        database: DatabaseDep,
        site_id: SiteIdQuery = None,
        first_day: FromParam = None,
        last_day: ToParam = None,
        format: FileFormatParam = "csv",
    ) -> StreamingResponse:
        export = await ExportService(session, database).table(
            actor,
            table,
            site_id=site_id,
            first_day=first_day,
            last_day=last_day,
            fmt=ExportFormat(format),
        )
        return download(export)

    export_table.__name__ = f"export_{table.value.replace('-', '_')}"
    export_table.__doc__ = (
        "Streamed row by row (constant memory); dates are local days of the site, both "
        "inclusive (default: from the beginning to today)."
    )
    router.add_api_route(
        f"/{table.value}",
        export_table,
        methods=["GET"],
        response_class=StreamingResponse,
        responses=_TABLE_FILES,
        summary=summary_text,
    )


_table_route(Table.SALES, "Lignes de vente")
_table_route(Table.DEPOSITS, "Dépôts")
_table_route(Table.CASH_SESSIONS, "Sessions de caisse")
_table_route(Table.OUTBOUND_FLOWS, "Sorties")


@router.get(
    "/accounting",
    response_class=StreamingResponse,
    responses=_TABLE_FILES,
    summary="Export comptable (recettes)",
)
async def accounting(
    actor: AdminUser,
    session: SessionDep,
    site_id: SiteIdQuery = None,
    first_day: FromParam = None,
    last_day: ToParam = None,
    format: FileFormatParam = "csv",
) -> StreamingResponse:
    """Takings per day, payment method and category, net of refunds (cash net of change), as
    entries Paheko imports (default: this month to date)."""
    export = await ExportService(session).accounting(
        actor, site_id=site_id, first_day=first_day, last_day=last_day, fmt=ExportFormat(format)
    )
    return download(export)


@router.get(
    "/journal-archive",
    response_class=StreamingResponse,
    responses=_ZIP,
    summary="Archive annuelle du journal",
)
async def journal_archive(
    actor: AdminUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    year: Annotated[int, Query(ge=2000, le=9999, description="Année (fuseau du site).")],
    site_id: SiteIdQuery = None,
) -> StreamingResponse:
    """ZIP of the year's journal entries and closings, with a manifest (SHA-256 of each file,
    chain head at year end) sealed with an HMAC-SHA-256 under the server secret."""
    secret = settings.secret_key.get_secret_value()
    export = await ExportService(session, database, secret=secret).journal_archive(
        actor, site_id=site_id, year=year
    )
    return download(export)
