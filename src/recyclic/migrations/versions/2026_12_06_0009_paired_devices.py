"""Paired tablets (web till): a device credential per tablet, tied to a register.

Revision ID: 0009_devices
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import UTCDateTime

revision: str = "0009_devices"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paired_devices",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "site_id", sa.Uuid(), sa.ForeignKey("sites.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column(
            "register_id",
            sa.Uuid(),
            sa.ForeignKey("cash_registers.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column(
            "created_by", sa.Uuid(), sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime()),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("revoked_by", sa.Uuid(), sa.ForeignKey("users.id", ondelete="RESTRICT")),
        sa.UniqueConstraint("secret_hash"),
    )
    op.create_index("ix_paired_devices_site_id", "paired_devices", ["site_id"])
    op.create_index("ix_paired_devices_register_id", "paired_devices", ["register_id"])


def downgrade() -> None:
    op.drop_table("paired_devices")
