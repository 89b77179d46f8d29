"""`recyclic worker`: run background jobs (the Redis queue, the relay, the daily scheduler)."""

from __future__ import annotations

import asyncio

import typer

from recyclic.cli._runtime import load_settings, run


def worker(
    concurrency: int | None = typer.Option(
        None, "--concurrency", min=1, max=100, help="Tâches exécutées en même temps."
    ),
) -> None:
    """Exécute les tâches de fond jusqu'à SIGTERM ou Ctrl+C (arrêt propre)."""
    settings = load_settings()
    if concurrency is not None:
        settings = settings.model_copy(update={"jobs_concurrency": concurrency})
    from recyclic.jobs.worker import run_worker

    ready = asyncio.Event()

    async def work() -> None:
        task = asyncio.create_task(run_worker(settings, ready=ready))
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if ready.is_set():
            mode = "file Redis" if settings.redis_url else "base de données (sans Redis)"
            typer.echo(f"Recyclic worker prêt ({mode}, {settings.jobs_concurrency} à la fois).")
        waiter.cancel()
        await task

    run(settings, work)
    typer.echo("Recyclic worker arrêté.")
