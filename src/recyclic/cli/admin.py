"""`recyclic admin …`: the first administrators."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.services.people.setup import AdminCreated, SetupService

app = typer.Typer(help="Administrateurs.", no_args_is_help=True)


@app.command("create")
def create(
    telegram_id: int = typer.Option(..., "--telegram-id", help="Identifiant Telegram numérique."),
    name: str = typer.Option(..., "--name", help="Nom complet."),
    site: str | None = typer.Option(None, "--site", help="Nom du site (créé s'il est nouveau)."),
    super_admin: bool = typer.Option(False, "--super", help="Super administrateur (tous sites)."),
    pin: str | None = typer.Option(
        None, "--pin", help="Code PIN (4 à 8 chiffres) pour se connecter sans Telegram."
    ),
) -> None:
    """Crée un administrateur approuvé (et son site s'il n'existe pas)."""
    settings = load_settings()

    async def work() -> AdminCreated:
        await migrate(settings)
        async with open_database(settings) as database, database.unit_of_work() as session:
            return await SetupService(session).create_admin(
                telegram_id=telegram_id,
                full_name=name,
                site_name=site,
                super_admin=super_admin,
                default_timezone=settings.timezone,
                pin=pin,
            )

    result = run(settings, work)
    role = "Super administrateur" if super_admin else "Administrateur"
    where = f" du site « {result.site.name} »" if result.site else ""
    created = " (site créé)" if result.site_created else ""
    typer.echo(f"{role} créé : {result.user.full_name}{where}{created}, Telegram {telegram_id}.")
    if pin:
        typer.echo(f"Connexion possible par code PIN (identifiant : {result.user.id}).")
