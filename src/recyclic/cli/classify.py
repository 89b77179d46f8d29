"""`recyclic classify "…"`: try the AI pipeline from a terminal (offline without a key)."""

from __future__ import annotations

import json

import typer

from recyclic.cli._runtime import load_settings, open_database, run
from recyclic.cli.db import migrate
from recyclic.core.config import Settings
from recyclic.services.ai.ai_service import AIService, CategoryInfo, Classification
from recyclic.services.catalog.categories import CategoryService


async def classify_description(settings: Settings, text: str) -> Classification:
    """Classify `text` among the active categories of the configured database."""
    await migrate(settings)
    async with open_database(settings) as database, database.unit_of_work(write=False) as session:
        rows = await CategoryService(session).list_categories()
    service = AIService(settings)
    try:
        return await service.classify(text, [CategoryInfo.of(row) for row in rows])
    finally:
        await service.aclose()


def classify(
    text: str = typer.Argument(..., help="Description du dépôt, en français."),
) -> None:
    """Propose une catégorie, une quantité et un poids pour une description (JSON)."""
    settings = load_settings()
    result = run(settings, lambda: classify_description(settings, text))
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
