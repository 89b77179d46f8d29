"""Imports from other tools (Oressource): cursors, refused rows, `imported_from` markers.

Revision ID: 0011_imports
Revises: 0010_deposit_learning_index
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import JSONDocument, UTCDateTime

revision: str = "0011_imports"
down_revision: str | Sequence[str] | None = "0010_deposit_learning_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARKED = ("cash_sessions", "deposits", "outbound_flows")


def upgrade() -> None:
    for table in _MARKED:
        op.add_column(table, sa.Column("imported_from", sa.String(100), nullable=True))
    op.create_table(
        "import_cursors",
        sa.Column(
            "site_id",
            sa.Uuid(),
            sa.ForeignKey("sites.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("stream", sa.String(32), primary_key=True),
        sa.Column("last_source_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "import_rejects",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "site_id", sa.Uuid(), sa.ForeignKey("sites.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_table", sa.String(32), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("contributions", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("site_id", "source", "source_table", "source_id"),
    )


def downgrade() -> None:
    op.drop_table("import_rejects")
    op.drop_table("import_cursors")
    for table in _MARKED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("imported_from")
