"""`recyclic demo …`: demonstration data."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.core.config import Settings
from recyclic.services.demo_service import DEMO_PIN, DemoService, DemoSummary

app = typer.Typer(help="Données de démonstration.", no_args_is_help=True)


async def seed_demo(settings: Settings) -> DemoSummary:
    """Migrate, then create the demo site and its users if missing."""
    await migrate(settings)
    async with open_database(settings) as database, database.unit_of_work() as session:
        return await DemoService(session).seed(timezone=settings.timezone)


def print_demo_summary(summary: DemoSummary) -> None:
    """What was created, and how to log in."""
    state = "créé" if summary.created else "déjà présent"
    typer.echo(f"Site de démonstration « {summary.site.name} » {state}.")
    for user in summary.users:
        typer.echo(f"  - {user.full_name} : rôle {user.role.value}, Telegram {user.telegram_id}")
    if summary.deposits:
        typer.echo(f"{summary.deposits} dépôts de démonstration ajoutés.")
    typer.echo(
        f"Code PIN de chaque compte de démonstration : {DEMO_PIN} "
        "(POST /api/v1/auth/pin avec telegram_id et pin)."
    )


@app.command("seed")
def seed() -> None:
    """Crée un site de démonstration et un utilisateur par rôle."""
    settings = load_settings()
    print_demo_summary(run(settings, lambda: seed_demo(settings)))
