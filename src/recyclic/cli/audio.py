"""`recyclic audio …`: voice recordings of deposits."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import fail, load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.models.base import utcnow
from recyclic.models.site import Site
from recyclic.services.deposits.audio import PurgedRecording
from recyclic.services.deposits.deposits import DepositService
from recyclic.services.people.sites import SiteService

app = typer.Typer(help="Enregistrements vocaux des dépôts.", no_args_is_help=True)


@app.command("purge")
def purge(
    site: str | None = typer.Option(None, "--site", help="Nom ou slug du site (défaut : tous)."),
) -> None:
    """Supprime les enregistrements plus anciens que la durée de conservation du site
    (30 jours par défaut) ; les transcriptions sont gardées."""
    settings = load_settings()

    async def work() -> list[tuple[Site, int | None, list[PurgedRecording]]] | None:
        await migrate(settings)
        now = utcnow()
        async with open_database(settings) as database, database.unit_of_work() as session:
            deposits = DepositService(session, settings=settings)
            if site is not None:
                found = await SiteService(session).find_by_name_or_slug(site)
                if found is None:
                    return None
                sites = [found]
            else:
                sites = await deposits.all_sites()
            return [
                (s, deposits.retention_days(s), await deposits.purge_expired_audio(s, now))
                for s in sites
            ]

    results = run(settings, work)
    if results is None:
        fail(f"site « {site} » introuvable.")
    total = 0
    for purged_site, days, purged in results:
        total += len(purged)
        kept_for = f"conservation {days} jours" if days else "conservation illimitée"
        typer.echo(
            f"{purged_site.name} ({purged_site.slug}) : {kept_for}, "
            f"{len(purged)} enregistrement(s) supprimé(s)."
        )
        for item in purged:
            note = "" if item.existed else " (fichier déjà absent)"
            typer.echo(
                f"  - dépôt {item.deposit_id} du {item.created_at:%Y-%m-%d} : {item.path}{note}"
            )
    typer.echo(f"Total : {total} enregistrement(s) supprimé(s).")
