"""Authentication state: refresh tokens (rotated, by family) and single-use login codes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, UUIDPrimaryKey, utcnow


class RefreshToken(UUIDPrimaryKey, Base):
    """One refresh token; only its SHA-256 is stored.

    Every use spends the token and issues its successor in the same family; presenting a
    spent token again means it was stolen, and the whole family is revoked.
    """

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginCode(UUIDPrimaryKey, Base):
    """A single-use code from the bot's /connexion, exchanged by the web app for tokens."""

    __tablename__ = "login_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # HMAC of the code under the server secret: a database leak does not reveal live codes.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
