"""`recyclic db …`: schema migrations, and the check of the hourly totals."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import fail, load_settings, open_database, run, safe_database_url
from recyclic.core import migrations
from recyclic.core.config import Settings
from recyclic.core.exceptions import RecyclicError
from recyclic.repositories.rollup_repository import Drift
from recyclic.services.operations.backup import Backup, backup_database
from recyclic.services.operations.hourly_totals import TABLE_COUNT, HourlyTotalsService

app = typer.Typer(help="Base de données : migrations du schéma.", no_args_is_help=True)

# `recyclic db upgrade` against a database migrated by a newer Recyclic.
EXIT_NEWER_DATABASE = 3


class SchemaNewerThanCode(RecyclicError):
    status = 409
    code = "schema_newer_than_code"
    message = "La base a été migrée par une version plus récente de Recyclic."


def _newer_message(state: migrations.SchemaState) -> str:
    return (
        f"la base est à la révision {', '.join(sorted(state.unknown))}, inconnue de cette "
        f"version de Recyclic (qui s'arrête à {', '.join(sorted(state.heads))}) : elle a été "
        "migrée par une version plus récente. Réinstallez cette version-là, ou restaurez la "
        "sauvegarde prise avant sa mise à jour (docs/deployment.md, « Revenir en arrière »)."
    )


async def migrate(settings: Settings) -> None:
    """Upgrade the configured database to the packaged heads (Alembic is loaded only when
    the database is behind); refuse a newer database."""
    async with open_database(settings) as database:
        state = await migrations.schema_state(database.bind)
        if state.newer_than_code:
            raise SchemaNewerThanCode(_newer_message(state))
        if not state.at_head:  # Alembic is loaded only when there is something to do
            await migrations.upgrade(database.bind)  # type: ignore[arg-type]


@app.command("upgrade")
def upgrade(
    no_backup: bool = typer.Option(
        False, "--no-backup", help="Ne pas sauvegarder la base avant de la migrer (production)."
    ),
) -> None:
    """Applique les migrations (alembic upgrade heads). En production, sauvegarde d'abord la
    base (sauf --no-backup) ; refuse une base migrée par une version plus récente."""
    settings = load_settings()

    async def inspect() -> migrations.SchemaState:
        async with open_database(settings) as database:
            return await migrations.schema_state(database.bind)

    state = run(settings, inspect)
    if state.newer_than_code:
        typer.secho(f"Erreur : {_newer_message(state)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(EXIT_NEWER_DATABASE)
    if state.at_head:
        typer.echo(f"Base de données déjà à jour ({', '.join(sorted(state.heads))}).")
        return
    if settings.env == "production" and state.current and not no_backup:
        done: Backup = run(settings, lambda: backup_database(settings))
        typer.echo(f"Sauvegarde avant migration : {done.path}")
    elif settings.env == "production" and state.current:
        typer.echo("Pas de sauvegarde avant migration (--no-backup).")
    shown = ", ".join(sorted(state.current)) or "base vide"
    typer.echo(f"Migration de {shown} vers {', '.join(sorted(state.heads))}…")
    run(settings, lambda: migrate(settings))
    typer.echo(f"Base de données à jour : {safe_database_url(settings)}")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Révision cible, ou « base ».")) -> None:
    """Revient à une révision antérieure (développement)."""
    settings = load_settings()
    if settings.env == "production":
        fail(
            "pas de retour de schéma en production : restaurez la sauvegarde prise avant la "
            "mise à jour (docs/deployment.md)."
        )

    async def work() -> None:
        async with open_database(settings) as database:
            await migrations.downgrade(database.bind, revision)  # type: ignore[arg-type]

    run(settings, work)
    typer.echo(f"Base de données ramenée à la révision {revision}.")


@app.command("check-totals")
def check_totals(
    repair: bool = typer.Option(
        False, "--repair", help="Recalculer les totaux à partir des ventes et des dépôts."
    ),
) -> None:
    """Vérifie que les totaux horaires (tableau de bord, exports) égalent les ventes et les
    dépôts qu'ils résument (sortie 1 sinon) ; --repair les recalcule."""
    settings = load_settings()

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    async def work(bar: Progress) -> tuple[list[Drift], int]:
        task = bar.add_task("Totaux horaires", total=TABLE_COUNT)
        async with open_database(settings) as database:
            async with database.unit_of_work(write=False) as session:
                drift = await HourlyTotalsService(session).check(lambda _: bar.advance(task))
            if not (drift and repair):
                return drift, 0
            async with database.unit_of_work() as session:
                return drift, await HourlyTotalsService(session).rebuild()

    # A year of a busy shop takes seconds per table: show where it is.
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as bar:
        drift, rebuilt = run(settings, lambda: work(bar))
    if not drift:
        typer.echo("Totaux horaires exacts : ils égalent les ventes et les dépôts.")
        return
    for found in drift[:20]:
        typer.echo(
            f"{found.table} {', '.join(map(str, found.key))} : enregistré {found.stored}, "
            f"recalculé {found.expected}"
        )
    if repair:
        typer.echo(f"{len(drift)} total(aux) faux : {rebuilt} totaux recalculés.")
        return
    typer.secho(
        f"{len(drift)} total(aux) faux : relancez avec --repair pour les recalculer.",
        fg="red",
        err=True,
    )
    raise typer.Exit(1)
