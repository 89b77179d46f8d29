"""Export files generated in the background, where the sync finds them.

The `generate_export` job asks the exports engine (`export_service.write_export`) to write
one file, then enqueues a sync so it reaches kDrive. The engine is reached through a small
interface, `ExportWriter`, so tests can replace it: it writes the export described by an
`ExportRequest` to a path (async, raising a `RecyclicError` for a bad request). The file is
written next to its final place and renamed, so the sync never sees half a file.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.exceptions import InvalidInput
from recyclic.models.site import Site
from recyclic.utils.files import ensure_private_dir, make_private
from recyclic.utils.periods import parse_period

EXPORT_FORMATS = {"csv": "csv", "csv-fr": "csv", "xlsx": "xlsx"}


class InvalidExportRequest(InvalidInput):
    code = "invalid_export_request"
    message = "Demande d'export invalide."


@dataclass(frozen=True)
class ExportRequest:
    """What to export; plain values, as a job payload carries them."""

    site_id: uuid.UUID
    export: str  # "ecologic", "eco-organisms/<name>", "summary", "sales", "deposits"…
    period: str  # daily | weekly | monthly | quarterly | yearly
    date: str  # 2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026
    format: str = "csv"

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ExportRequest:
        """From a job payload; refuses anything malformed."""
        try:
            request = cls(
                site_id=uuid.UUID(str(payload["site_id"])),
                export=str(payload["export"]),
                period=str(payload["period"]),
                date=str(payload["date"]),
                format=str(payload.get("format", "csv")),
            )
        except (KeyError, ValueError) as exc:
            raise InvalidExportRequest(f"Demande d'export invalide : {exc}.") from exc
        if request.format not in EXPORT_FORMATS:
            raise InvalidExportRequest(f"Format d'export inconnu : {request.format}.")
        return request

    def as_payload(self) -> dict[str, Any]:
        """The job payload."""
        return {
            "site_id": str(self.site_id),
            "export": self.export,
            "period": self.period,
            "date": self.date,
            "format": self.format,
        }


def export_folder(settings: Settings, site_id: uuid.UUID) -> Path:
    """Where a site's generated exports are written: DATA_DIR/exports/<site id>/YYYY/MM/."""
    return settings.exports_dir / str(site_id)


ExportWriter = Callable[[AsyncSession, Settings, ExportRequest, Path], Awaitable[None]]


def export_path(settings: Settings, site: Site, request: ExportRequest) -> Path:
    """DATA_DIR/exports/<site id>/YYYY/MM/<export>_<site>_<period>.<ext>; YYYY/MM is the
    month the period starts in, so a report lands next to its period on the drive."""
    period = parse_period(request.period, request.date, site.timezone)
    kind = request.export.replace("/", "-")
    suffix = "-fr" if request.format == "csv-fr" else ""
    name = f"{kind}_{site.slug}_{period.label}{suffix}.{EXPORT_FORMATS[request.format]}"
    return (
        export_folder(settings, site.id)
        / f"{period.start.year:04d}"
        / f"{period.start.month:02d}"
        / name
    )


async def generate_export_file(
    session: AsyncSession,
    settings: Settings,
    site: Site,
    request: ExportRequest,
    writer: ExportWriter,
) -> Path:
    """Write the export to its place (atomically: temporary file, then rename)."""
    target = export_path(settings, site, request)
    await asyncio.to_thread(ensure_private_dir, target.parent)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        await writer(session, settings, request, temporary)
        await asyncio.to_thread(make_private, temporary)
        await asyncio.to_thread(os.replace, temporary, target)
    finally:
        await asyncio.to_thread(temporary.unlink, missing_ok=True)
    return target
