"""The inalterable journal (hash chain per site) and period closings (Z)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, UUIDPrimaryKey, utcnow

GENESIS_HASH = "0" * 64


class JournalEntry(Base):
    """One link of a site's chain: hash = sha256(prev_hash + payload).

    `payload` is the exact canonical JSON text that was hashed; verification hashes this
    stored text and never re-serialises. Rows are never updated or deleted (a trigger
    enforces it on PostgreSQL).
    """

    __tablename__ = "journal_entries"

    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sites.id", ondelete="RESTRICT"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JournalHead(Base):
    """The last link of each site's chain; its row lock serialises appends per site."""

    __tablename__ = "journal_heads"

    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sites.id", ondelete="RESTRICT"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class ClosingKind(enum.StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class Closing(UUIDPrimaryKey, Base):
    """A daily, monthly or yearly closing: period totals and the perpetual grand total."""

    __tablename__ = "closings"
    __table_args__ = (UniqueConstraint("site_id", "kind", "period_start"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    kind: Mapped[ClosingKind] = mapped_column(
        Enum(
            ClosingKind,
            name="closing_kind",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    # Local dates of the site (inclusive), and the same period as UTC instants [start, end).
    period_start: Mapped[date]
    period_end: Mapped[date]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    totals: Mapped[dict[str, Any]]
    grand_total_cents: Mapped[int] = mapped_column(BigInteger)
    # The chain head recorded by this closing (its own journal entry).
    journal_seq: Mapped[int] = mapped_column(BigInteger)
    journal_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
