"""`recyclic serve`: migrate, then serve the API and the web app."""

from __future__ import annotations

import inspect
from typing import Any

import typer
import uvicorn

from recyclic.api.metrics import prepare_multiprocess_dir
from recyclic.cli._runtime import load_settings, run
from recyclic.cli.db import migrate
from recyclic.cli.demo import print_demo_summary, seed_demo
from recyclic.core.config import Settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse d'écoute."),
    port: int = typer.Option(8000, help="Port d'écoute."),
    demo: bool = typer.Option(False, "--demo", help="Ajoute les données de démonstration."),
    workers: int = typer.Option(1, min=1, help="Processus uvicorn (PostgreSQL conseillé)."),
) -> None:
    """Applique les migrations puis sert l'API et l'application web."""
    settings = load_settings()
    if demo:
        print_demo_summary(run(settings, lambda: seed_demo(settings)))
    else:
        run(settings, lambda: migrate(settings))
    # Before any worker starts: where their metrics meet (GET /metrics sums them).
    prepare_multiprocess_dir(settings)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
    typer.secho(
        f"Recyclic est prêt : http://{shown_host}:{port}/  "
        f"(API : /api/v1, documentation : http://{shown_host}:{port}/docs)",
        fg=typer.colors.GREEN,
    )
    # Each worker process builds its own app (and engine) from the environment.
    app: Any = "recyclic.main:create_app" if workers > 1 else _single_app(settings)
    uvicorn.run(
        app,
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        # Forwarded headers are read by the app, from RECYCLIC_TRUSTED_PROXIES only (uvicorn's
        # own handling would believe any local caller); the server is not advertised.
        proxy_headers=False,
        server_header=False,
        **_worker_healthcheck(workers),
    )


# uvicorn's supervisor kills a worker that does not answer its ping within this many seconds.
# Its default (5 s) is shorter than a worker's start-up (re-importing the command, then the
# app) on a busy or small machine (a Raspberry Pi, two cores shared with PostgreSQL): workers
# were killed and respawned in a loop before serving.
WORKER_HEALTHCHECK_SECONDS = 60


def _worker_healthcheck(workers: int) -> dict[str, Any]:
    if workers > 1 and "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
        return {"timeout_worker_healthcheck": WORKER_HEALTHCHECK_SECONDS}
    return {}


def _single_app(settings: Settings) -> Any:
    from recyclic.main import create_app  # the app's imports only when serving

    return create_app(settings)
