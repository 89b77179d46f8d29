"""Foundation: sites, users, categories (seeded from the packaged reference CSV).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.resources import files

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import UTCDateTime

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _timestamps() -> list[sa.Column[datetime]]:
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(320)),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("legal_name", sa.String(200), nullable=False),
        sa.Column("siret", sa.String(14)),
        sa.Column("settings", _JSON, nullable=False),
        sa.Column("branding", _JSON, nullable=False),
        sa.Column("sync_config", _JSON, nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), sa.ForeignKey("sites.id", ondelete="RESTRICT")),
        sa.Column("telegram_id", sa.BigInteger()),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("email", sa.String(320)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("pin_hash", sa.String(255)),
        sa.Column("pin_failed_attempts", sa.Integer(), nullable=False),
        sa.Column("pin_locked_until", UTCDateTime()),
        sa.Column("anonymized_at", UTCDateTime()),
        *_timestamps(),
        sa.UniqueConstraint("telegram_id"),
        sa.CheckConstraint(
            "role IN ('viewer', 'operator', 'admin', 'super_admin')", name="user_role"
        ),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="user_status"),
    )
    op.create_index("ix_users_site_id", "users", ["site_id"])
    op.create_index("ix_users_site_created", "users", ["site_id", "created_at", "id"])

    categories = op.create_table(
        "categories",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("family", sa.String(16), nullable=False),
        sa.Column("weee_category", sa.Integer()),
        sa.Column("flow", sa.String(16)),
        sa.Column("eco_organism", sa.String(64)),
        sa.Column("price_min_cents", sa.Integer()),
        sa.Column("price_max_cents", sa.Integer()),
        sa.Column("default_unit_weight_g", sa.Integer()),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        *_timestamps(),
    )
    op.bulk_insert(categories, _reference_categories())


def _reference_categories() -> list[dict[str, object]]:
    """The reference categories shipped in `recyclic/data/categories.csv`."""
    now = datetime.now(UTC)
    text = (files("recyclic") / "data" / "categories.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append(
            {
                "code": row["code"],
                "label": row["label"],
                "family": row["family"],
                "weee_category": int(row["weee_category"]) if row["weee_category"] else None,
                "flow": row["flow"] or None,
                "eco_organism": row["eco_organism"] or None,
                "price_min_cents": None,
                "price_max_cents": None,
                "default_unit_weight_g": None,
                "vat_rate_bp": 2000,
                "active": True,
                "display_order": int(row["display_order"]),
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def downgrade() -> None:
    op.drop_table("categories")
    op.drop_index("ix_users_site_created", table_name="users")
    op.drop_index("ix_users_site_id", table_name="users")
    op.drop_table("users")
    op.drop_table("sites")
