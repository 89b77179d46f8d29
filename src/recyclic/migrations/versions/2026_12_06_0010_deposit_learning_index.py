"""Index the validated deposits of a site by last change, for the classifier's memory.

Each process brings its memory of a site's validated deposits up to date by asking for those
changed since its last look; this index makes that an index range scan that usually returns
nothing, however long the site's history.

Revision ID: 0010_deposit_learning_index
Revises: 0009_devices
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_deposit_learning_index"
down_revision: str | Sequence[str] | None = "0009_devices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deposits_site_status_updated", "deposits", ["site_id", "status", "updated_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_deposits_site_status_updated", table_name="deposits")
