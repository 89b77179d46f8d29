"""Hourly totals of the sales and the validated deposits, kept by the database itself.

A year of a busy shop is a million sale lines and two hundred thousand deposits: summing them
row by row for the dashboard took seconds on SQLite. These tables hold the same sums per site
and per UTC hour (and per category, method, origin…), so a year is read from a few tens of
thousands of rows. They are derived data only:

- triggers written by migration `0014_hourly_rollups` add (and, on an update or a delete,
  take back) each row's share in the same statement that writes the row, whoever writes it —
  the till, a refund, the Oressource import, the demo loaders, a correction of a deposit;
- `repositories/rollup_repository.py` reads a period's whole hours from them and the few
  minutes at its edges (time zones with a half-hour offset) from the rows themselves;
- the test suite compares them with the rows after every test (`tests/conftest.py`).

Keys that may be absent in the source (no donor type, no AI provider) are stored as '' so they
can belong to the primary key. Nothing here is ever written by the application.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base


class SaleHour(Base):
    """Tickets of an hour: sales and refunds counted apart, their net total and the change."""

    __tablename__ = "sale_hours"

    site_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    tickets: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[int] = mapped_column(BigInteger)
    cents: Mapped[int] = mapped_column(BigInteger)
    change_cents: Mapped[int] = mapped_column(BigInteger)


class SaleLineHour(Base):
    """Sale lines of an hour per category. Weighed grams and units sold without a weight are
    kept apart: the category's default unit weight applies when the figures are read."""

    __tablename__ = "sale_line_hours"

    site_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    lines: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[int] = mapped_column(BigInteger)
    weighed_g: Mapped[int] = mapped_column(BigInteger)
    unweighed_units: Mapped[int] = mapped_column(BigInteger)
    cents: Mapped[int] = mapped_column(BigInteger)


class PaymentHour(Base):
    """Money handed over in an hour per payment method (negative: given back)."""

    __tablename__ = "payment_hours"

    site_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(32), primary_key=True)
    payments: Mapped[int] = mapped_column(BigInteger)
    cents: Mapped[int] = mapped_column(BigInteger)


class DepositCategoryHour(Base):
    """Validated deposits of an hour per category (by the deposit's `created_at`)."""

    __tablename__ = "deposit_category_hours"

    site_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    deposits: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(BigInteger)
    weight_g: Mapped[int] = mapped_column(BigInteger)


class DepositOriginHour(Base):
    """Validated deposits of an hour per donor type, channel and AI provider: how many, their
    weight, how many the AI made a suggestion for and how many kept its first choice."""

    __tablename__ = "deposit_origin_hours"

    site_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    donor_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    ai_provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    deposits: Mapped[int] = mapped_column(BigInteger)
    weight_g: Mapped[int] = mapped_column(BigInteger)
    ai_suggested: Mapped[int] = mapped_column(BigInteger)
    ai_kept: Mapped[int] = mapped_column(BigInteger)
