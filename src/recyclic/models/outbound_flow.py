"""Outbound flows (*sorties*): what leaves the shop other than by sale."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import BigInteger, CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, Timestamps, UUIDPrimaryKey


class OutboundDestination(enum.StrEnum):
    """Where it went; eco_organism and recycler count as recycled, dechetterie as disposed."""

    ECO_ORGANISM = "eco_organism"
    RECYCLER = "recycler"
    DECHETTERIE = "dechetterie"
    DONATION = "donation"


class OutboundFlow(UUIDPrimaryKey, Timestamps, Base):
    """A lot handed over on a local date (a pickup slip, a trip to the déchèterie, a gift)."""

    __tablename__ = "outbound_flows"
    __table_args__ = (
        # Listings (newest date first, keyset on date then id) and the exports' period sums.
        Index("ix_outbound_flows_site_date", "site_id", "date", "id"),
        CheckConstraint("weight_g > 0", name="weight_positive"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    # The site's local calendar date of the handover (not an instant: slips carry a date).
    date: Mapped[dt.date]
    category: Mapped[str] = mapped_column(
        String(16), ForeignKey("categories.code", ondelete="RESTRICT")
    )
    weight_g: Mapped[int] = mapped_column(BigInteger)
    destination: Mapped[OutboundDestination] = mapped_column(
        Enum(
            OutboundDestination,
            name="outbound_destination",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    partner: Mapped[str | None] = mapped_column(String(200))
    document_ref: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    # The source row of a flow imported from another tool ("oressource:pesees_sorties:7").
    imported_from: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
