"""`recyclic bot`: the Telegram bot in polling mode (no public URL needed)."""

from __future__ import annotations

import typer

from recyclic.cli._runtime import fail, load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.core.config import Settings
from recyclic.services.ai.ai_service import AIService
from recyclic.services.messaging.telegram_service import TelegramNotifier


async def poll(settings: Settings) -> None:
    """Migrate, then fetch and handle updates until Ctrl-C / SIGTERM."""
    from recyclic.bot.runtime import BotRuntime

    await migrate(settings)
    ai = AIService(settings)
    notifier = TelegramNotifier(settings)
    async with open_database(settings) as database:
        runtime = BotRuntime(settings, database, ai=ai, notifier=notifier)
        try:
            await runtime.run_polling()
        finally:
            await runtime.aclose()
            await notifier.aclose()
            await ai.aclose()


def bot() -> None:
    """Lance le bot Telegram en mode « polling » (sans webhook ni adresse publique)."""
    settings = load_settings()
    if not settings.telegram_bot_token.get_secret_value():
        fail("RECYCLIC_TELEGRAM_BOT_TOKEN n'est pas configuré (jeton donné par @BotFather).")
    typer.echo(f"Bot Telegram en écoute (API : {settings.telegram_api_url}). Ctrl-C pour arrêter.")
    run(settings, lambda: poll(settings))
