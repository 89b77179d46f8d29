"""`recyclic journal verify`: recompute every site's hash chain; `verify-archive`: check a
yearly archive offline."""

from __future__ import annotations

from pathlib import Path

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.models.site import Site
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.cash.journal import JournalService, VerifyResult
from recyclic.services.people.sites import SiteService
from recyclic.services.reporting.archive_check import verify_archive

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


@app.command("verify-archive")
def verify_archive_file(
    file: Path = typer.Argument(
        ..., help="Archive ZIP téléchargée (GET /exports/journal-archive)."
    ),
) -> None:
    """Vérifie hors ligne une archive annuelle du journal : sceau HMAC (avec la clé secrète de
    ce serveur), empreintes SHA-256 des fichiers et chaîne de hachage (sortie 1 si altérée)."""
    settings = load_settings()
    if not file.is_file():
        typer.secho(f"Erreur : fichier introuvable : {file}", err=True, fg="red")
        raise typer.Exit(1)
    check = verify_archive(file, settings.secret_key.get_secret_value())
    manifest = check.manifest
    site = (manifest.get("site") or {}).get("name", "?")
    if check.ok:
        journal = manifest.get("journal") or {}
        typer.echo(
            f"Archive intègre : {site}, année {manifest.get('year')}, {check.entries} entrées "
            f"(n° {journal.get('first_seq')} à {journal.get('last_seq')}), "
            f"tête {str(journal.get('head_hash'))[:16]}…"
        )
        return
    typer.secho(f"ARCHIVE ALTÉRÉE ({file.name}) :", fg="red", err=True)
    for problem in check.problems:
        typer.secho(f"  - {problem}", fg="red", err=True)
    raise typer.Exit(1)
