"""Cash registers, cash sessions (till opening to Z report) and cash movements."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, Timestamps, UUIDPrimaryKey, utcnow


class SessionStatus(enum.StrEnum):
    OPENED = "opened"
    CLOSED = "closed"


class CashRegister(UUIDPrimaryKey, Timestamps, Base):
    """A till (a tablet at a counter)."""

    __tablename__ = "cash_registers"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)


class CashSession(UUIDPrimaryKey, Base):
    """From opening the till with a float to closing it with a count (Z report)."""

    __tablename__ = "cash_sessions"
    __table_args__ = (
        # At most one open session per register and per cashier — guaranteed by the database,
        # so that concurrent opens cannot both succeed.
        Index(
            "uq_cash_sessions_open_register",
            "register_id",
            unique=True,
            postgresql_where=text("status = 'opened'"),
            sqlite_where=text("status = 'opened'"),
        ),
        Index(
            "uq_cash_sessions_open_cashier",
            "cashier_id",
            unique=True,
            postgresql_where=text("status = 'opened'"),
            sqlite_where=text("status = 'opened'"),
        ),
        Index("ix_cash_sessions_site_opened", "site_id", "opened_at", "id"),
        Index("ix_cash_sessions_register_closed", "register_id", "closed_at"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    register_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cash_registers.id", ondelete="RESTRICT")
    )
    cashier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    status: Mapped[SessionStatus] = mapped_column(
        Enum(
            SessionStatus,
            name="session_status",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=SessionStatus.OPENED,
    )
    opening_cents: Mapped[int] = mapped_column(BigInteger)
    opening_comment: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    expected_cents: Mapped[int | None] = mapped_column(BigInteger)
    actual_cents: Mapped[int | None] = mapped_column(BigInteger)
    variance_cents: Mapped[int | None] = mapped_column(BigInteger)
    variance_comment: Mapped[str | None] = mapped_column(Text)
    kept_float_cents: Mapped[int | None] = mapped_column(BigInteger)
    bank_deposit_cents: Mapped[int | None] = mapped_column(BigInteger)
    count_detail: Mapped[dict[str, Any] | None]
    closing_report: Mapped[dict[str, Any] | None]
    # Set on a session that holds history imported from another till (e.g. "oressource:…"):
    # its sales count in reports and exports, never in the till's own closings.
    imported_from: Mapped[str | None] = mapped_column(String(100))


class CashMovement(UUIDPrimaryKey, Base):
    """Cash put into (positive) or taken out of (negative) the drawer, with its reason."""

    __tablename__ = "cash_movements"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cash_sessions.id", ondelete="RESTRICT"), index=True
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
