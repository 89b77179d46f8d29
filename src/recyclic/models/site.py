"""Sites: one ressourcerie (shop) of the installation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, Timestamps, UUIDPrimaryKey


class Site(UUIDPrimaryKey, Timestamps, Base):
    """A shop; every business row belongs to one."""

    __tablename__ = "sites"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    siret: Mapped[str | None] = mapped_column(String(14))
    # Business settings (thresholds, VAT mode, payment methods, eco-organism mapping…),
    # validated by `recyclic.schemas.site.SiteSettings`.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    branding: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Sync configuration; secret values are stored encrypted, never returned by the API.
    sync_config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)
