"""`recyclic sync run`: synchronise now (kDrive files, Google Sheets rows)."""

from __future__ import annotations

import json
import uuid

import typer

from recyclic.cli._runtime import fail, load_settings, open_database, run
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.outbox import JobStatus
from recyclic.models.site import Site
from recyclic.repositories.outbox_repository import JobRef
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.messaging.outbox import DISPATCHER_KEY, OutboxService
from recyclic.services.people.sites import SiteService
from recyclic.services.sync.sync_service import enqueue_sync, sync_configured

app = typer.Typer(help="Synchronisation kDrive et Google Sheets.", no_args_is_help=True)


class _RunHere:
    """Dispatcher for `--now`: this process runs the job itself, right after the commit; the
    job counts as handed over, so no worker's relay takes it meanwhile."""

    def dispatch(self, job: JobRef) -> None:
        return None


@app.command("run")
def run_sync(
    site: str | None = typer.Option(
        None, "--site", help="Nom ou slug du site (défaut : tous ceux configurés)."
    ),
    now: bool = typer.Option(
        False, "--now", help="Exécuter ici et attendre le résultat (au lieu de la file)."
    ),
) -> None:
    """Lance une synchronisation : en file d'attente (worker ou serveur), ou ici avec --now."""
    settings = load_settings()

    async def work() -> list[tuple[Site, uuid.UUID, dict[str, object] | None]]:
        async with open_database(settings) as database:
            sites = await _sites(database, settings, site)
            if now:
                return await _run_here(database, settings, sites)
            return await _enqueue(database, settings, sites)

    results = run(settings, work)
    if not results:
        typer.echo("Aucun site n'a de synchronisation configurée.")
        return
    failed = False
    for synced_site, job_id, report in results:
        if report is None:
            typer.echo(f"{synced_site.name} : synchronisation en file (tâche {job_id}).")
            continue
        failed = failed or not report.get("ok", False)
        typer.echo(f"{synced_site.name} : {json.dumps(report, ensure_ascii=False)}")
    if not now and not settings.redis_url:
        typer.echo("Sans Redis, `recyclic serve` ou `recyclic worker` l'exécutera sous peu.")
    if failed:
        raise typer.Exit(1)


async def _sites(database: Database, settings: Settings, name: str | None) -> list[Site]:
    async with database.unit_of_work(write=False) as session:
        if name is not None:
            found = await SiteService(session).find_by_name_or_slug(name)
            if found is None:
                fail(f"site « {name} » introuvable.")
            return [found]
        sites = await SiteRepository(session).list_all()
        single = len(sites) == 1
        return [
            s for s in sites if s.is_active and sync_configured(s, settings, single_site=single)
        ]


async def _enqueue(
    database: Database, settings: Settings, sites: list[Site]
) -> list[tuple[Site, uuid.UUID, dict[str, object] | None]]:
    from recyclic.jobs.context import JobContext
    from recyclic.jobs.runtime import JobRuntime

    runtime = JobRuntime(JobContext(settings, database))
    if settings.redis_url:
        runtime.install()  # kicked to the workers' queue after the commit
    results: list[tuple[Site, uuid.UUID, dict[str, object] | None]] = []
    try:
        async with database.unit_of_work() as session:
            for item in sites:
                job = await enqueue_sync(session, item.id, reason="cli")
                results.append((item, job.id, None))
    finally:
        await runtime.shutdown(grace=settings.jobs_kick_timeout_seconds * 2)
    return results


async def _run_here(
    database: Database, settings: Settings, sites: list[Site]
) -> list[tuple[Site, uuid.UUID, dict[str, object] | None]]:
    from recyclic.jobs.context import JobContext
    from recyclic.jobs.runner import JobRunner

    database.session_info[DISPATCHER_KEY] = _RunHere()
    context = JobContext(settings, database)
    runner = JobRunner(context)
    results: list[tuple[Site, uuid.UUID, dict[str, object] | None]] = []
    try:
        for item in sites:
            async with database.unit_of_work() as session:
                job = await enqueue_sync(session, item.id, reason="cli")
            status = await runner.execute(job.id)
            async with database.unit_of_work(write=False) as session:
                row = await OutboxService(session).get(job.id)
            report = dict(row.result or {})
            if status is None:
                report = {"ok": False, "errors": ["une autre synchronisation du site est en cours"]}
            elif status != JobStatus.DONE:
                report = {"ok": False, "errors": [row.last_error or "échec"]}
            results.append((item, job.id, report))
    finally:
        await context.aclose()
    return results
