"""`recyclic db …`: schema migrations."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import load_settings, open_database, run, safe_database_url
from recyclic.core import migrations
from recyclic.core.config import Settings

app = typer.Typer(help="Base de données : migrations du schéma.", no_args_is_help=True)


async def migrate(settings: Settings) -> None:
    """Upgrade the configured database to the packaged heads (Alembic is loaded only when
    the database is behind)."""
    async with open_database(settings) as database:
        await migrations.upgrade_if_needed(database.bind)  # type: ignore[arg-type]


@app.command("upgrade")
def upgrade() -> None:
    """Applique les migrations (alembic upgrade heads)."""
    settings = load_settings()
    run(settings, lambda: migrate(settings))
    typer.echo(f"Base de données à jour : {safe_database_url(settings)}")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Révision cible, ou « base ».")) -> None:
    """Revient à une révision antérieure (développement)."""
    settings = load_settings()

    async def work() -> None:
        async with open_database(settings) as database:
            await migrations.downgrade(database.bind, revision)  # type: ignore[arg-type]

    run(settings, work)
    typer.echo(f"Base de données ramenée à la révision {revision}.")
