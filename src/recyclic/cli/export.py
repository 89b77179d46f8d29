"""`recyclic export …`: the eco-organism exports from the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.cli._runtime import fail, load_settings, open_database, run
from recyclic.core.exceptions import InvalidInput, NotFound
from recyclic.models.site import Site
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.people.sites import SiteService
from recyclic.services.reporting.eco_organisms import render
from recyclic.services.reporting.export_service import (
    ECOLOGIC,
    ExportFormat,
    ExportService,
    PeriodQuery,
    read_export,
)

app = typer.Typer(help="Exports réglementaires (éco-organismes).", no_args_is_help=True)

PERIOD = typer.Option(None, "--period", help="daily, weekly, monthly, quarterly ou yearly.")
DATE = typer.Option(None, "--date", help="2026-11-26, 2026-W48, 2026-11, 2026-Q4 ou 2026.")
FROM = typer.Option(None, "--from", help="Premier jour inclus (AAAA-MM-JJ), avec --to.")
TO = typer.Option(None, "--to", help="Dernier jour inclus (AAAA-MM-JJ).")
SITE = typer.Option(None, "--site", help="Nom ou slug du site (défaut : le seul site).")
FORMAT = typer.Option("csv", "--format", help="csv, csv-fr ou xlsx.")
OUTPUT = typer.Option(None, "-o", "--output", help="Fichier à écrire (défaut : la sortie).")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} : date invalide « {value} » (AAAA-MM-JJ).")


async def _site(session: AsyncSession, name: str | None) -> Site:
    if name:
        found = await SiteService(session).find_by_name_or_slug(name)
        if found is None:
            raise NotFound(f"Site introuvable : {name}.")
        return found
    sites = await SiteRepository(session).list_all()
    if len(sites) != 1:
        raise InvalidInput(
            "Aucun site." if not sites else "Plusieurs sites : précisez lequel avec --site."
        )
    return sites[0]


def export_eco(
    organism: str | None,
    *,
    period: str | None,
    value: str | None,
    first: str | None,
    last: str | None,
    site: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Write an eco-organism export to a file or to the standard output."""
    try:
        chosen = ExportFormat(fmt)
    except ValueError:
        fail(f"format inconnu « {fmt} » (csv, csv-fr ou xlsx).")
    to_stdout = output is None or str(output) == "-"
    if chosen is ExportFormat.XLSX and to_stdout and sys.stdout.isatty():
        fail("un classeur XLSX ne s'affiche pas : écrivez-le dans un fichier avec -o FICHIER.")
    query = PeriodQuery(period, value, _day(first, "--from"), _day(last, "--to"))
    settings = load_settings()

    async def work() -> tuple[str, bytes, int]:
        async with open_database(settings) as database, database.unit_of_work(write=False) as uow:
            target = await _site(uow, site)
            service = ExportService(uow)
            period = query.resolve(target.timezone)
            report = await service.eco_report_for_site(target, period, organism)
            export = render(report, chosen)
            return export.filename, await read_export(export), len(report.rows)

    filename, content, rows = run(settings, work)
    if to_stdout:
        typer.echo(content, nl=False)
        return
    assert output is not None
    output.write_bytes(content)
    typer.echo(f"Export écrit dans {output} ({rows} catégories, fichier {filename}).", err=True)


@app.command("ecologic")
def ecologic(
    period: str | None = PERIOD,
    value: str | None = DATE,
    first: str | None = FROM,
    last: str | None = TO,
    site: str | None = SITE,
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Export Ecologic : une ligne par catégorie déclarée à Ecologic sur ce site."""
    export_eco(ECOLOGIC, period=period, value=value, first=first, last=last, site=site, fmt=fmt,
               output=output)  # fmt: skip


@app.command("eco-organism")
def eco_organism(
    name: str = typer.Argument(..., help="Éco-organisme (ex. ecosystem, ecomaison)."),
    period: str | None = PERIOD,
    value: str | None = DATE,
    first: str | None = FROM,
    last: str | None = TO,
    site: str | None = SITE,
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Les mêmes colonnes pour les catégories déclarées à un autre éco-organisme."""
    export_eco(name, period=period, value=value, first=first, last=last, site=site, fmt=fmt,
               output=output)  # fmt: skip


@app.command("summary")
def summary(
    period: str | None = PERIOD,
    value: str | None = DATE,
    first: str | None = FROM,
    last: str | None = TO,
    site: str | None = SITE,
    fmt: str = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Synthèse de toutes les catégories."""
    export_eco(None, period=period, value=value, first=first, last=last, site=site, fmt=fmt,
               output=output)  # fmt: skip
