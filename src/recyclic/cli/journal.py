"""`recyclic journal verify`: recompute every site's hash chain."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.models.site import Site
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.journal_service import JournalService, VerifyResult
from recyclic.services.site_service import SiteService

app = typer.Typer(help="Journal inaltérable des ventes.", no_args_is_help=True)


@app.command("verify")
def verify(
    site: str | None = typer.Option(None, "--site", help="Nom ou slug du site (défaut : tous)."),
) -> None:
    """Vérifie la chaîne de hachage (sortie 1 et premier numéro rompu si elle est altérée)."""
    settings = load_settings()

    async def work() -> list[tuple[Site, VerifyResult]]:
        async with open_database(settings) as database, database.unit_of_work(write=False) as uow:
            if site:
                found = await SiteService(uow).find_by_name_or_slug(site)
                if found is None:
                    typer.secho(f"Erreur : site introuvable : {site}", err=True, fg="red")
                    raise typer.Exit(1)
                sites = [found]
            else:
                sites = await SiteRepository(uow).list_all()
            journal = JournalService(uow)
            return [(s, await journal.verify(s.id)) for s in sites]

    results = run(settings, work)
    broken = False
    for checked_site, result in results:
        if result.ok:
            typer.echo(
                f"{checked_site.name} : chaîne intègre, {result.entries} entrées, "
                f"tête {result.head_hash[:16]}…"
            )
        else:
            broken = True
            typer.secho(
                f"{checked_site.name} : CHAÎNE ROMPUE à l'entrée n° {result.first_broken_seq} "
                f"({result.reason}) — {result.entries} entrées valides avant.",
                fg="red",
                err=True,
            )
    if broken:
        raise typer.Exit(1)
