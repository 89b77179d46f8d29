"""Deposits: drop-offs with their AI suggestion, validation and recording.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-26

Branches from 0002 because the cash revision (0003) is written in parallel; a merge revision
joins the heads.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import UTCDateTime

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _one_of(column: str, values: Sequence[str]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade() -> None:
    op.create_table(
        "deposits",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "site_id", sa.Uuid(), sa.ForeignKey("sites.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("transcription", sa.Text()),
        sa.Column("category", sa.String(16), sa.ForeignKey("categories.code", ondelete="RESTRICT")),
        sa.Column("quantity", sa.Integer()),
        sa.Column("weight_g", sa.Integer()),
        sa.Column("destination", sa.String(16)),
        sa.Column("donor_type", sa.String(16)),
        sa.Column("postal_code", sa.String(5)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("ai_category", sa.String(16)),
        sa.Column("ai_confidence", sa.Integer()),
        sa.Column("ai_alternatives", _JSON),
        sa.Column("ai_provider", sa.String(16)),
        sa.Column("ai_first_choice_kept", sa.Boolean()),
        sa.Column("human_validated", sa.Boolean(), nullable=False),
        sa.Column("validation_notes", sa.Text()),
        sa.Column("audio_file_path", sa.String(255)),
        sa.Column("audio_deleted_at", UTCDateTime()),
        sa.Column(
            "created_by", sa.Uuid(), sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("validated_by", sa.Uuid(), sa.ForeignKey("users.id", ondelete="RESTRICT")),
        sa.Column("validated_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            _one_of("status", ("draft", "classified", "validated", "cancelled")),
            name="deposit_status",
        ),
        sa.CheckConstraint(
            _one_of("destination", ("reuse", "recycling", "disposal")),
            name="deposit_destination",
        ),
        sa.CheckConstraint(
            _one_of("donor_type", ("individual", "business", "public")),
            name="deposit_donor_type",
        ),
        sa.CheckConstraint(
            _one_of("channel", ("drop_off", "pickup", "collection_point")),
            name="deposit_channel",
        ),
        sa.CheckConstraint(_one_of("ai_provider", ("gemini", "local")), name="deposit_ai_provider"),
        sa.CheckConstraint("quantity IS NULL OR quantity >= 1", name="quantity_positive"),
        sa.CheckConstraint("weight_g IS NULL OR weight_g > 0", name="weight_positive"),
        sa.CheckConstraint(
            "ai_confidence IS NULL OR (ai_confidence >= 0 AND ai_confidence <= 100)",
            name="ai_confidence_range",
        ),
        sa.CheckConstraint(
            "status <> 'validated' OR (category IS NOT NULL AND weight_g IS NOT NULL "
            "AND quantity IS NOT NULL AND validated_at IS NOT NULL)",
            name="validated_complete",
        ),
        sa.CheckConstraint("postal_code IS NULL OR length(postal_code) = 5", name="postal_code"),
    )
    op.create_index("ix_deposits_site_created", "deposits", ["site_id", "created_at", "id"])
    op.create_index(
        "ix_deposits_site_status_created", "deposits", ["site_id", "status", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_table("deposits")
