"""`recyclic classify "…"`: try the AI pipeline from a terminal (offline without a key)."""

from __future__ import annotations

import json
from typing import Any

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.services.ai_service import AIService
from recyclic.services.deposit_service import DepositService


def classify(
    text: str = typer.Argument(..., help="Description d'un dépôt, ex. « un frigo, 40 kilos »."),
) -> None:
    """Classe une description parmi les catégories actives et affiche le résultat en JSON."""
    settings = load_settings()

    async def work() -> dict[str, Any]:
        await migrate(settings)
        ai = AIService(settings)
        try:
            async with (
                open_database(settings) as database,
                database.unit_of_work(write=False) as session,
            ):
                service = DepositService(session, settings=settings, ai=ai)
                result = await service.classify(text)
        finally:
            await ai.aclose()
        return result.as_dict()

    typer.echo(json.dumps(run(settings, work), ensure_ascii=False, indent=2))
