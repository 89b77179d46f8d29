"""The Telegram webhook's answer."""

from __future__ import annotations

from pydantic import Field

from recyclic.schemas.common import ResponseSchema


class WebhookAck(ResponseSchema):
    """The update was accepted; it is handled in the background."""

    ok: bool = True
    update_id: int = Field(description="Identifiant de la mise à jour reçue.")
