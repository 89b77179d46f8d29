"""The Telegram webhook: updates pushed by Telegram, checked with the secret-token header."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from recyclic.api.uploads import read_body
from recyclic.bot.runtime import MAX_UPDATE_BYTES, BotNotConfigured, BotRuntime, UpdateTooLarge
from recyclic.schemas.telegram import WebhookAck

router = APIRouter(prefix="/telegram", tags=["telegram"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "En-tête secret absent ou incorrect"},
    404: {"description": "Aucun bot configuré"},
    413: {"description": "Mise à jour trop volumineuse"},
    422: {"description": "Mise à jour illisible"},
}


def bot_runtime(request: Request) -> BotRuntime:
    """The app's bot, or 404 when no token is configured."""
    runtime: BotRuntime | None = getattr(request.app.state, "bot", None)
    if runtime is None:
        raise BotNotConfigured()
    return runtime


@router.post(
    "/webhook",
    response_model=WebhookAck,
    responses=_RESPONSES,
    summary="Webhook du bot Telegram",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "Un objet Update de l'API Bot de Telegram.",
                        "required": ["update_id"],
                        "properties": {"update_id": {"type": "integer"}},
                    }
                }
            },
        }
    },
)
async def telegram_webhook(
    request: Request,
    secret: Annotated[
        str | None,
        Header(
            alias="X-Telegram-Bot-Api-Secret-Token",
            description="Le secret donné à Telegram avec setWebhook.",
        ),
    ] = None,
) -> WebhookAck:
    """An update from Telegram; answered at once, handled in the background."""
    runtime = bot_runtime(request)
    runtime.check_secret(secret)
    body = await read_body(request, max_bytes=MAX_UPDATE_BYTES, error=UpdateTooLarge())
    return WebhookAck(update_id=runtime.accept(body))
