"""Cash register: registers, sessions, movements, sales, journal, closings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import UTCDateTime

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
_OPEN = "status = 'opened'"


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], ondelete="RESTRICT")


def upgrade() -> None:
    op.create_table(
        "cash_registers",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("site_id", "sites.id"),
        sa.UniqueConstraint("site_id", "name"),
    )
    op.create_table(
        "cash_sessions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=False),
        sa.Column("cashier_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opening_cents", sa.BigInteger(), nullable=False),
        sa.Column("opening_comment", sa.Text()),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("closed_by", sa.Uuid()),
        sa.Column("expected_cents", sa.BigInteger()),
        sa.Column("actual_cents", sa.BigInteger()),
        sa.Column("variance_cents", sa.BigInteger()),
        sa.Column("variance_comment", sa.Text()),
        sa.Column("kept_float_cents", sa.BigInteger()),
        sa.Column("bank_deposit_cents", sa.BigInteger()),
        sa.Column("count_detail", _JSON),
        sa.Column("closing_report", _JSON),
        _fk("site_id", "sites.id"),
        _fk("register_id", "cash_registers.id"),
        _fk("cashier_id", "users.id"),
        _fk("closed_by", "users.id"),
        sa.CheckConstraint("status IN ('opened', 'closed')", name="session_status"),
    )
    op.create_index("ix_cash_sessions_site_opened", "cash_sessions", ["site_id", "opened_at", "id"])
    op.create_index(
        "ix_cash_sessions_register_closed", "cash_sessions", ["register_id", "closed_at"]
    )
    # One open session per register and per cashier, guaranteed by the database.
    op.create_index(
        "uq_cash_sessions_open_register",
        "cash_sessions",
        ["register_id"],
        unique=True,
        postgresql_where=sa.text(_OPEN),
        sqlite_where=sa.text(_OPEN),
    )
    op.create_index(
        "uq_cash_sessions_open_cashier",
        "cash_sessions",
        ["cashier_id"],
        unique=True,
        postgresql_where=sa.text(_OPEN),
        sqlite_where=sa.text(_OPEN),
    )
    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("site_id", "sites.id"),
        _fk("session_id", "cash_sessions.id"),
        _fk("created_by", "users.id"),
    )
    op.create_index("ix_cash_movements_session_id", "cash_movements", ["session_id"])

    op.create_table(
        "sales",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("cashier_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("change_cents", sa.BigInteger(), nullable=False),
        sa.Column("refund_of", sa.Uuid()),
        sa.Column("refund_reason", sa.Text()),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("journal_seq", sa.BigInteger()),
        _fk("site_id", "sites.id"),
        _fk("session_id", "cash_sessions.id"),
        _fk("cashier_id", "users.id"),
        _fk("refund_of", "sales.id"),
        sa.CheckConstraint(
            "status IN ('completed', 'partially_refunded', 'refunded')", name="sale_status"
        ),
    )
    op.create_index("ix_sales_site_created", "sales", ["site_id", "created_at", "id"])
    op.create_index("ix_sales_session", "sales", ["session_id"])
    op.create_index("ix_sales_refund_of", "sales", ["refund_of"])

    op.create_table(
        "sale_lines",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("description", sa.String(500)),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("weight_g", sa.BigInteger()),
        sa.Column("discount_percent_bp", sa.Integer()),
        sa.Column("discount_cents", sa.BigInteger(), nullable=False),
        sa.Column("line_total_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("refund_of_line", sa.Uuid()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("sale_id", "sales.id"),
        _fk("site_id", "sites.id"),
        _fk("category", "categories.code"),
        _fk("refund_of_line", "sale_lines.id"),
        sa.CheckConstraint("unit IN ('piece', 'kg')", name="line_unit"),
    )
    op.create_index("ix_sale_lines_sale", "sale_lines", ["sale_id"])
    op.create_index("ix_sale_lines_site_created", "sale_lines", ["site_id", "created_at"])

    op.create_table(
        "sale_payments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("sale_id", "sales.id"),
        _fk("site_id", "sites.id"),
        _fk("session_id", "cash_sessions.id"),
    )
    op.create_index("ix_sale_payments_sale", "sale_payments", ["sale_id"])
    op.create_index("ix_sale_payments_session_id", "sale_payments", ["session_id"])
    op.create_index("ix_sale_payments_site_created", "sale_payments", ["site_id", "created_at"])

    op.create_table(
        "journal_entries",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ref_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "seq"),
        _fk("site_id", "sites.id"),
    )
    op.create_table(
        "journal_heads",
        sa.Column("site_id", sa.Uuid(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _fk("site_id", "sites.id"),
    )
    op.create_table(
        "closings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("totals", _JSON, nullable=False),
        sa.Column("grand_total_cents", sa.BigInteger(), nullable=False),
        sa.Column("journal_seq", sa.BigInteger(), nullable=False),
        sa.Column("journal_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("site_id", "sites.id"),
        _fk("created_by", "users.id"),
        sa.UniqueConstraint("site_id", "kind", "period_start"),
        sa.CheckConstraint("kind IN ('daily', 'monthly', 'yearly')", name="closing_kind"),
    )
    _protect_journal()


def _protect_journal() -> None:
    """The journal is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION recyclic_journal_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'journal_entries is append-only (% refused)', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE "
            "ON journal_entries FOR EACH ROW EXECUTE FUNCTION recyclic_journal_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER journal_entries_no_{action.lower()} BEFORE {action} "
                "ON journal_entries BEGIN "
                "SELECT RAISE(ABORT, 'journal_entries is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_entries_append_only ON journal_entries")
        op.execute("DROP FUNCTION IF EXISTS recyclic_journal_append_only()")
    for table in (
        "closings",
        "journal_heads",
        "journal_entries",
        "sale_payments",
        "sale_lines",
        "sales",
        "cash_movements",
        "cash_sessions",
        "cash_registers",
    ):
        op.drop_table(table)
