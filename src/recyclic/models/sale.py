"""Sales (customer tickets), their lines and payments; refunds are sales too."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, utcnow


class SaleStatus(enum.StrEnum):
    COMPLETED = "completed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class LineUnit(enum.StrEnum):
    PIECE = "piece"
    KG = "kg"


class Sale(Base):
    """One ticket. Never edited or deleted: a correction is a refund (a negative sale)."""

    __tablename__ = "sales"
    __table_args__ = (
        # Listing newest first by keyset, and period sums, per site; the dashboard's sums per
        # day or month read the index alone (migration 0013).
        Index(
            "ix_sales_site_created",
            "site_id",
            "created_at",
            "id",
            "total_cents",
            "change_cents",
            "refund_of",
        ),
        Index("ix_sales_session", "session_id"),
        Index("ix_sales_refund_of", "refund_of"),
    )

    # The client's own UUID when it sent one: replays of an offline queue are idempotent.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cash_sessions.id", ondelete="RESTRICT")
    )
    cashier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    status: Mapped[SaleStatus] = mapped_column(
        Enum(
            SaleStatus,
            name="sale_status",
            native_enum=False,
            length=24,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=SaleStatus.COMPLETED,
    )
    total_cents: Mapped[int] = mapped_column(BigInteger)
    change_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    refund_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    refund_reason: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the normalised request: same id + same hash is a replay, else a conflict.
    request_hash: Mapped[str] = mapped_column(String(64))
    # When the sale happened (the till's clock for offline tickets) — reports use it.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    journal_seq: Mapped[int | None] = mapped_column(BigInteger)


class SaleLine(Base):
    """A line: quantity × unit price, or weight × price per kg; negative in a refund."""

    __tablename__ = "sale_lines"
    __table_args__ = (
        Index("ix_sale_lines_sale", "sale_id"),
        # Exports sum lines per site, period and category without touching `sales`.
        Index("ix_sale_lines_site_created", "site_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(ForeignKey("categories.code", ondelete="RESTRICT"))
    description: Mapped[str | None] = mapped_column(String(500))
    unit: Mapped[LineUnit] = mapped_column(
        Enum(
            LineUnit,
            name="line_unit",
            native_enum=False,
            length=8,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=LineUnit.PIECE,
    )
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    weight_g: Mapped[int | None] = mapped_column(BigInteger)
    discount_percent_bp: Mapped[int | None] = mapped_column(Integer)
    discount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    line_total_cents: Mapped[int] = mapped_column(BigInteger)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    refund_of_line: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sale_lines.id", ondelete="RESTRICT")
    )
    # Denormalised from the sale (never changes): period sums read this table alone.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SalePayment(Base):
    """What the customer handed over per method (negative: money given back in a refund)."""

    __tablename__ = "sale_payments"
    __table_args__ = (
        Index("ix_sale_payments_sale", "sale_id"),
        # Period sums per method read the index alone (migration 0013).
        Index("ix_sale_payments_site_created", "site_id", "created_at", "method", "amount_cents"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id", ondelete="RESTRICT"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cash_sessions.id", ondelete="RESTRICT"), index=True
    )
    method: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
