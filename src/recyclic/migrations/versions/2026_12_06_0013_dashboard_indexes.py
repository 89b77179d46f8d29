"""Widen the period indexes of tickets and payments so the dashboard reads them alone.

The dashboard sums a year of tickets per day or month (count, total, change, refunds) and of
payments per method. With these columns in the `(site_id, created_at, …)` indexes, both sums
are index-only range scans (PostgreSQL, with an up-to-date visibility map) or covering-index
scans (SQLite) instead of reading every ticket's row. Keyset listings keep their
`(site_id, created_at, id)` prefix.

Revision ID: 0013_dashboard_indexes
Revises: 0012_worker_heartbeats
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_dashboard_indexes"
down_revision: str | Sequence[str] | None = "0012_worker_heartbeats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SALES = ["site_id", "created_at", "id"]
_SALES_WIDE = [*_SALES, "total_cents", "change_cents", "refund_of"]
_PAYMENTS = ["site_id", "created_at"]
_PAYMENTS_WIDE = [*_PAYMENTS, "method", "amount_cents"]


def upgrade() -> None:
    op.drop_index("ix_sales_site_created", table_name="sales")
    op.create_index("ix_sales_site_created", "sales", _SALES_WIDE)
    op.drop_index("ix_sale_payments_site_created", table_name="sale_payments")
    op.create_index("ix_sale_payments_site_created", "sale_payments", _PAYMENTS_WIDE)


def downgrade() -> None:
    op.drop_index("ix_sale_payments_site_created", table_name="sale_payments")
    op.create_index("ix_sale_payments_site_created", "sale_payments", _PAYMENTS)
    op.drop_index("ix_sales_site_created", table_name="sales")
    op.create_index("ix_sales_site_created", "sales", _SALES)
