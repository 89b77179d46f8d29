"""Authentication bodies."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field, model_validator

from recyclic.schemas.common import Schema
from recyclic.schemas.user import UserOut


class TokenResponse(Schema):
    access_token: str
    refresh_token: str | None = Field(
        description="Absent (null) for the web app, which receives it as an HttpOnly cookie."
    )
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 scheme name
    expires_in: int = Field(description="Durée de vie du jeton d'accès, en secondes.")
    user: UserOut


class PendingResponse(Schema):
    status: Literal["pending"] = "pending"
    detail: str = "Inscription enregistrée : un responsable doit la valider."


class TelegramWidgetLogin(Schema):
    """What the Telegram Login Widget hands to the page (documentation of the raw body)."""

    id: int
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    photo_url: str | None = None
    auth_date: int
    hash: str


class WebAppLogin(Schema):
    init_data: str = Field(min_length=1, max_length=8192)


class CodeLogin(Schema):
    code: str = Field(min_length=4, max_length=32)


class PinLogin(Schema):
    user_id: uuid.UUID | None = None
    telegram_id: int | None = Field(None, gt=0, lt=2**53)
    pin: str = Field(min_length=4, max_length=8, pattern=r"^\d+$")

    @model_validator(mode="after")
    def _one_identifier(self) -> PinLogin:
        if (self.user_id is None) == (self.telegram_id is None):
            raise ValueError("indiquez soit user_id, soit telegram_id")
        return self


class CsrfResponse(Schema):
    csrf_token: str


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=1, max_length=256)
