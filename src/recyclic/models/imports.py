"""Imports from other tools: how far each source table was read, and the rows refused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, JSONDocument, UUIDPrimaryKey, utcnow


class ImportCursor(Base):
    """The last source id of one table read by a site's import, moved with each batch."""

    __tablename__ = "import_cursors"

    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(32), primary_key=True)  # oressource
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)  # pesees_collectes…
    last_source_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportReject(UUIDPrimaryKey, Base):
    """A source row Recyclic did not accept, with why, and what it weighed and cost.

    `contributions` is what the row adds to the source tool's own figures, per Recyclic
    category: {"MOB": [kg_in_g, kg_sold_g, kg_out_g, cents]}; the reconciliation subtracts it.
    """

    __tablename__ = "import_rejects"
    __table_args__ = (UniqueConstraint("site_id", "source", "source_table", "source_id"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    source_table: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None]
    contributions: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
