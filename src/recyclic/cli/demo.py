"""`recyclic demo …`: demonstration data.

The demo services and rich (progress bars) load when a command here runs: every command,
`recyclic serve` first, imports this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.core.config import Settings
from recyclic.models.user import Role

if TYPE_CHECKING:
    from rich.progress import Progress

    from recyclic.services.demo.bulk_sales import BulkReport
    from recyclic.services.demo.seed import DemoSummary

app = typer.Typer(help="Données de démonstration.", no_args_is_help=True)


async def seed_demo(settings: Settings) -> DemoSummary:
    """Migrate, then create the demo site and its users if missing."""
    from recyclic.services.demo.seed import DemoService

    await migrate(settings)
    async with open_database(settings) as database, database.unit_of_work() as session:
        return await DemoService(session).seed(timezone=settings.timezone)


def print_demo_summary(summary: DemoSummary) -> None:
    """What was created, and how to log in."""
    from recyclic.services.demo.seed import DEMO_PIN

    state = "créé" if summary.created else "déjà présent"
    typer.echo(f"Site de démonstration « {summary.site.name} » {state}.")
    for user in summary.users:
        typer.echo(f"  - {user.full_name} : rôle {user.role.value}, Telegram {user.telegram_id}")
    if summary.cash is not None:
        typer.echo(
            f"Historique de caisse : {summary.cash.sessions} sessions, {summary.cash.sales} "
            f"ventes, {summary.cash.closings} clôtures journalières."
        )
    if summary.deposits:
        typer.echo(f"{summary.deposits} dépôts de démonstration ajoutés.")
    typer.echo(
        f"Code PIN de chaque compte de démonstration : {DEMO_PIN} "
        "(POST /api/v1/auth/pin avec telegram_id et pin)."
    )


@app.command("seed")
def seed(
    sales: int = typer.Option(0, "--sales", min=0, help="Ventes historiques en plus (en masse)."),
    deposits: int = typer.Option(0, "--deposits", min=0, help="Dépôts en plus (en masse)."),
    outbound_flows: int = typer.Option(
        0, "--outbound-flows", min=0, help="Sorties (vers éco-organismes…) en plus (en masse)."
    ),
    days: int = typer.Option(
        365, "--days", min=1, max=3650, help="Jours couverts par --sales, --deposits…"
    ),
) -> None:
    """Crée un site de démonstration, un utilisateur par rôle, un historique de caisse ;
    --sales, --deposits et --outbound-flows ajoutent N lignes sur l'année écoulée
    (chargement en masse)."""
    settings = load_settings()
    print_demo_summary(run(settings, lambda: seed_demo(settings)))
    if sales:
        report = run(settings, lambda: _bulk_sales(settings, sales, days))
        typer.echo(
            f"{report.sales} ventes ({report.lines} lignes) sur {report.sessions} sessions, "
            f"{report.journal_entries} entrées de journal chaînées."
        )
    if deposits:
        added = run(settings, lambda: _bulk_deposits(settings, deposits, days))
        typer.echo(f"{added} dépôts ajoutés sur {days} jours.")
    if outbound_flows:
        added = run(settings, lambda: _bulk_flows(settings, outbound_flows, days))
        typer.echo(f"{added} sorties ajoutées sur {days} jours.")


def _bar(label: str) -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())


async def _bulk_deposits(settings: Settings, count: int, days: int) -> int:
    from recyclic.services.demo.bulk_deposits import BulkDepositsLoader
    from recyclic.services.demo.seed import DemoService

    async with open_database(settings) as database, database.unit_of_work() as session:
        summary = await DemoService(session).seed(timezone=settings.timezone)
        volunteers = [u for u in summary.users if u.role == Role.OPERATOR]
        admin = next(u for u in summary.users if u.role == Role.ADMIN)
        loader = BulkDepositsLoader(session, summary.site, volunteers, admin)
        with _bar("Dépôts") as bar:
            task = bar.add_task("dépôts", total=count)
            return await loader.load(count, days, lambda n: bar.advance(task, n))


async def _bulk_flows(settings: Settings, count: int, days: int) -> int:
    from recyclic.services.demo.bulk_deposits import BulkOutboundFlowsLoader
    from recyclic.services.demo.seed import DemoService

    async with open_database(settings) as database, database.unit_of_work() as session:
        summary = await DemoService(session).seed(timezone=settings.timezone)
        admin = next(u for u in summary.users if u.role == Role.ADMIN)
        loader = BulkOutboundFlowsLoader(session, summary.site, admin)
        with _bar("Sorties") as bar:
            task = bar.add_task("sorties", total=count)
            return await loader.load(count, days, lambda n: bar.advance(task, n))


async def _bulk_sales(settings: Settings, count: int, days: int) -> BulkReport:
    from recyclic.services.demo.bulk_sales import BulkSalesLoader
    from recyclic.services.demo.seed import DemoService

    async with open_database(settings) as database, database.unit_of_work() as session:
        summary = await DemoService(session).seed(timezone=settings.timezone)
        cashier = next(u for u in summary.users if u.role == Role.OPERATOR)
        loader = BulkSalesLoader(session, summary.site, cashier)
        with _bar("Ventes") as bar:
            task = bar.add_task("ventes", total=count)
            return await loader.load(count, days, lambda n: bar.advance(task, n))
