"""User bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import EmailStr, Field, field_validator

from recyclic.models.user import Role, UserStatus
from recyclic.schemas.common import PatchSchema, ResponseSchema, Schema

TelegramId = int


class UserOut(ResponseSchema):
    """A user as the API shows it (never the PIN hash)."""

    id: uuid.UUID
    telegram_id: int | None
    full_name: str
    username: str | None
    email: str | None = None
    role: Role
    status: UserStatus
    is_active: bool
    site_id: uuid.UUID | None
    has_pin: bool = False
    created_at: datetime

    @classmethod
    def from_user(cls, user: object) -> UserOut:
        """Build from a row, adding `has_pin`."""
        out = cls.model_validate(user)
        out.has_pin = bool(getattr(user, "pin_hash", None))
        return out


class UserCreate(Schema):
    """Create (pre-approve) a user by Telegram id, or a PIN-only user without Telegram."""

    telegram_id: int | None = Field(None, gt=0, lt=2**53)
    full_name: str = Field(min_length=1, max_length=200)
    username: str | None = Field(None, max_length=64)
    email: EmailStr | None = None
    role: Role = Role.OPERATOR
    site_id: uuid.UUID | None = Field(None, description="Super admin uniquement.")
    pin: str | None = Field(None, description="4 à 8 chiffres.")

    @field_validator("full_name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("le nom ne peut pas être vide")
        return value


class UserUpdate(PatchSchema):
    """Changes to a user; absent fields are left as they are, null clears username/email."""

    nullable = frozenset({"username", "email"})

    full_name: str | None = Field(None, min_length=1, max_length=200)
    username: str | None = Field(None, max_length=64)
    email: EmailStr | None = None
    role: Role | None = None
    status: UserStatus | None = None
    is_active: bool | None = None
    site_id: uuid.UUID | None = Field(None, description="Super admin uniquement.")


class PinSet(Schema):
    pin: str = Field(min_length=4, max_length=8, pattern=r"^\d+$", description="4 à 8 chiffres.")
