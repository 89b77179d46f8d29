"""`recyclic import oressource`: bring a shop's history over from Oressource (MariaDB).

The importer and rich (progress bars) load when the command runs: every command, `recyclic
serve` first, imports this module.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.core.config import Settings
from recyclic.utils.formatting import format_euros, format_kg

if TYPE_CHECKING:
    from recyclic.services.imports.oressource.importer import ImportReport, Prepared
    from recyclic.services.imports.reconciliation import ReconciledRow

app = typer.Typer(help="Reprise de l'historique d'un autre logiciel.", no_args_is_help=True)


@app.command("oressource")
def oressource(
    source: str = typer.Option(
        ..., "--source", help="Base Oressource : mysql://utilisateur:motdepasse@hôte:3306/base"
    ),
    site: str = typer.Option(..., "--site", help="Nom ou slug du site Recyclic."),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="Fichier de correspondances (YAML ou CSV)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="N'importe rien : propose les correspondances et les kg en jeu."
    ),
    since: str | None = typer.Option(
        None, "--since", help="N'importe que ce qui est daté de ce jour ou après (AAAA-MM-JJ)."
    ),
) -> None:
    """Importe pesées, ventes et sorties d'Oressource ; rapprochement final par année."""
    settings = load_settings()
    start = _parse_day(since)
    if dry_run:
        run(settings, lambda: _dry_run(settings, source, site, mapping))
        return
    if mapping is None:
        typer.secho(
            "Erreur : --mapping FICHIER est requis pour importer. Lancez d'abord "
            "--dry-run --mapping FICHIER : la proposition y sera écrite, à relire.",
            fg="red",
            err=True,
        )
        raise typer.Exit(1)
    run(settings, lambda: _import(settings, source, site, mapping, start))


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        typer.secho(f"Erreur : --since attend une date AAAA-MM-JJ ({value}).", fg="red", err=True)
        raise typer.Exit(1) from None


async def _dry_run(settings: Settings, source: str, site: str, mapping: Path | None) -> None:
    from recyclic.services.imports.oressource.importer import OressourceImport

    async with open_database(settings) as database:
        await migrate(settings)
        importer = OressourceImport(database.unit_of_work)
        prepared = await importer.prepare(source, site, mapping)
        try:
            _print_dry_run(prepared, mapping)
        finally:
            prepared.source.close()


def _print_dry_run(prepared: Prepared, mapping: Path | None) -> None:
    from recyclic.services.imports.oressource.proposal import (
        describe_origin,
        describe_stakes,
        render_mapping_file,
    )

    reference = prepared.reference
    typer.echo(
        f"Oressource « {reference.shop_name or '?'} » ({prepared.source.address.display}) "
        f"→ site « {prepared.site.name} »."
    )
    counts = prepared.counts
    typer.echo(
        f"À lire : {counts.get('pesees_collectes', 0)} pesées de collecte, "
        f"{counts.get('ventes', 0)} ventes, {counts.get('pesees_sorties', 0)} pesées de sortie."
    )
    typer.echo("Correspondances (kilos et recettes en jeu) :")
    for entry in prepared.proposal:
        value = entry.value or "???"
        typer.echo(
            f"  {entry.section} {entry.source_id} « {entry.name} » → {value} "
            f"({describe_stakes(entry.stakes)}) — {describe_origin(entry)}"
        )
    for note in reference.repaired:
        typer.echo(f"Texte réparé (latin1/UTF-8) : {note.table} {note.source_id} "
                   f"« {note.before} » → « {note.after} »")  # fmt: skip
    for note in reference.unreadable:
        typer.echo(f"Nom illisible : {note.table} {note.source_id} « {note.before} »")
    if prepared.missing and mapping is not None and mapping.exists():
        typer.echo("À compléter dans le fichier avant l'import : " + ", ".join(
            f"{e.section} {e.source_id} « {e.name} »" for e in prepared.missing))  # fmt: skip
    if mapping is not None and not mapping.exists():
        mapping.write_text(
            render_mapping_file(prepared.proposal, prepared.categories), encoding="utf-8"
        )
        typer.echo(
            f"Proposition écrite dans {mapping} : relisez-la (surtout « à vérifier »), "
            "corrigez-la, puis relancez sans --dry-run."
        )
    elif mapping is None:
        typer.echo("Ajoutez --mapping FICHIER pour y écrire cette proposition.")
    _print_users(reference.users)


async def _import(
    settings: Settings, source: str, site: str, mapping: Path, since: date | None
) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from recyclic.services.imports.oressource.importer import OressourceImport

    async with open_database(settings) as database:
        await migrate(settings)
        importer = OressourceImport(database.unit_of_work)
        prepared = await importer.prepare(source, site, mapping)
        try:
            with Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            ) as bars:
                tasks: dict[str, TaskID] = {}

                def progress(stream: str, label: str, total: int | None, done: int) -> None:
                    if stream not in tasks:
                        tasks[stream] = bars.add_task(label, total=total)
                    bars.advance(tasks[stream], done)

                report = await importer.run(prepared, since=since, progress=progress)
            _print_report(report)
            count = sum(report.reasons.values())
            if count:
                typer.echo(f"Lignes refusées ({count}), à corriger dans Oressource si besoin :")
                async for line in importer.refused_rows(prepared.site):
                    typer.echo(f"  {line}")
            _print_users(prepared.reference.users)
        finally:
            prepared.source.close()


_TABLES = {
    "deposits": "dépôts",
    "sales": "ventes",
    "sale_lines": "lignes de vente",
    "cash_sessions": "sessions de caisse importées",
    "sale_payments": "paiements",
    "outbound_flows": "sorties",
}


def _print_report(report: ImportReport) -> None:
    written = ", ".join(f"{n} {_TABLES.get(t, t)}" for t, n in report.written.items())
    typer.echo(f"Import terminé : {written or 'rien de nouveau'} ; {report.refused} lignes "
               f"refusées ; {report.repaired_texts} textes réparés (latin1/UTF-8).")  # fmt: skip
    typer.echo("Rapprochement par année et catégorie — Oressource, dont refusé, Recyclic :")
    unbalanced = 0
    for row in report.reconciliation:
        unbalanced += not row.balanced
        typer.echo(_reconciled(row))
    if unbalanced:
        typer.secho(
            f"{unbalanced} écart(s) : activité saisie directement dans Recyclic ces années-là, "
            "ou poids estimés par le poids unitaire d'une catégorie (voir la documentation).",
            fg="yellow",
        )
    else:
        typer.echo("Aucun écart : chaque ligne importée est retrouvée au gramme et au centime.")


def _reconciled(row: ReconciledRow) -> str:
    year = str(row.year) if row.year else "date ?"
    parts = []
    for index, label in enumerate(("entrés", "vendus", "sortis", "recettes")):
        show = format_euros if index == 3 else format_kg
        source, refused, recyclic = row.source[index], row.refused[index], row.recyclic[index]
        if not (source or refused or recyclic):
            continue
        part = f"{label} {show(source)}"
        if refused:
            part += f" (refusé {show(refused)})"
        part += f" / {show(recyclic)}"
        if row.differences[index]:
            part += f" ÉCART {show(row.differences[index])}"
        parts.append(part)
    return f"  {year} {row.category:<6} " + " ; ".join(parts)


def _print_users(users: list[str]) -> None:
    if users:
        typer.echo("Comptes Oressource (non repris ; à inviter dans Recyclic si besoin) :")
        for person in users:
            typer.echo(f"  - {person}")
