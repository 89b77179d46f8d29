"""Outbound flows (sorties) and the indexes of the exports' period sums.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import UTCDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DESTINATIONS = ("eco_organism", "recycler", "dechetterie", "donation")


def upgrade() -> None:
    op.create_table(
        "outbound_flows",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "site_id", sa.Uuid(), sa.ForeignKey("sites.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "category",
            sa.String(16),
            sa.ForeignKey("categories.code", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("weight_g", sa.BigInteger(), nullable=False),
        sa.Column("destination", sa.String(16), nullable=False),
        sa.Column("partner", sa.String(200)),
        sa.Column("document_ref", sa.String(100)),
        sa.Column("notes", sa.Text()),
        sa.Column(
            "created_by", sa.Uuid(), sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "destination IN (" + ", ".join(f"'{d}'" for d in _DESTINATIONS) + ")",
            name="outbound_destination",
        ),
        sa.CheckConstraint("weight_g > 0", name="weight_positive"),
    )
    op.create_index("ix_outbound_flows_site_date", "outbound_flows", ["site_id", "date", "id"])


def downgrade() -> None:
    op.drop_table("outbound_flows")
