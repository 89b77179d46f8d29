"""`recyclic doctor`: check an installation; a table (French/English) or JSON, and an exit
status for monitoring: 0 all good, 1 a warning, 2 an error."""

from __future__ import annotations

import asyncio
import json

import typer
from pydantic import ValidationError

from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.core.exceptions import ConfigurationError
from recyclic.core.logging import configure_logging
from recyclic.services.operations.doctor import Check, Level, run_checks, worst

_STYLE = {Level.OK: "green", Level.WARNING: "yellow", Level.ERROR: "bold red"}
_WORDS = {Level.OK: "OK", Level.WARNING: "ATTENTION / WARNING", Level.ERROR: "ERREUR / ERROR"}


def doctor(
    as_json: bool = typer.Option(False, "--json", help="Résultat en JSON (supervision)."),
) -> None:
    """Vérifie l'installation : configuration, base, Redis, workers, tâches, synchro,
    sauvegardes, disque, webhook. Code de sortie : 0 bon, 1 avertissement, 2 erreur."""
    try:
        get_settings.cache_clear()
        settings = get_settings()
    except (ConfigurationError, ValidationError) as exc:
        message = str(exc).splitlines()[0] if isinstance(exc, ConfigurationError) else str(exc)
        _print([Check("configuration", "Configuration", Level.ERROR, message)], as_json)
        raise typer.Exit(int(Level.ERROR)) from None
    configure_logging("ERROR", json_lines=False)
    checks = asyncio.run(_checks(settings))
    _print(checks, as_json)
    raise typer.Exit(int(worst(checks)))


async def _checks(settings: Settings) -> list[Check]:
    database = Database.from_settings(settings)
    bot = None
    if settings.telegram_bot_token.get_secret_value() and settings.public_url:
        from recyclic.bot.runtime import BotRuntime
        from recyclic.services.ai.ai_service import AIService

        bot = BotRuntime(settings, database, ai=AIService(settings), notifier=None)

    async def webhook() -> Check:
        assert bot is not None
        label = "Webhook Telegram"
        try:
            registered = await bot.registered_webhook()
        except Exception as exc:
            return Check("webhook", label, Level.ERROR, f"Telegram injoignable : {exc}.")
        if registered == bot.webhook_url:
            return Check("webhook", label, Level.OK, registered)
        shown = registered or "aucun"
        return Check(
            "webhook",
            label,
            Level.ERROR,
            f"enregistré : {shown}, attendu : {bot.webhook_url} "
            "(redémarrez recyclic-api pour l'enregistrer).",
        )

    try:
        return await run_checks(settings, database, webhook=webhook if bot else None)
    finally:
        if bot is not None:
            await bot.aclose()
            await bot.ai.aclose()
        await database.dispose()


def _print(checks: list[Check], as_json: bool) -> None:
    overall = worst(checks)
    if as_json:
        typer.echo(
            json.dumps(
                {"status": overall.name.lower(), "checks": [c.as_dict() for c in checks]},
                ensure_ascii=False,
            )
        )
        return
    # rich (some fifty modules) loads for this table only: every command, `recyclic serve`
    # first, imports this module.
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Recyclic — diagnostic / health check", title_justify="left")
    table.add_column("Vérification / Check")
    table.add_column("État / Status")
    table.add_column("Détail / Detail", overflow="fold")
    for check in checks:
        table.add_row(check.label, f"[{_STYLE[check.level]}]{_WORDS[check.level]}[/]", check.detail)
    console = Console(width=120)
    console.print(table)
    console.print(f"[{_STYLE[overall]}]Bilan / Overall : {_WORDS[overall]}[/]")
