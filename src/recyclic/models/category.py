"""Categories: regulatory reference data (WEEE categories, furniture, textiles…)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, Timestamps


class Category(Timestamps, Base):
    """A category; its `code` is stable because exports and history depend on it."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    family: Mapped[str] = mapped_column(String(16))
    weee_category: Mapped[int | None]
    flow: Mapped[str | None] = mapped_column(String(16))
    eco_organism: Mapped[str | None] = mapped_column(String(64))
    price_min_cents: Mapped[int | None]
    price_max_cents: Mapped[int | None]
    default_unit_weight_g: Mapped[int | None]
    # Basis points (2000 = 20 %), so 5.5 % is exact.
    vat_rate_bp: Mapped[int] = mapped_column(default=2000)
    active: Mapped[bool] = mapped_column(default=True)
    display_order: Mapped[int] = mapped_column(default=0)
