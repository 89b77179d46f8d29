"""Background jobs (outbox) and cloud sync bookkeeping (sync logs, synced files, watermarks).

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-26

Branches from 0005 because the exports revision (0006) is written in parallel; a merge
revision joins the heads.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recyclic.models.base import UTCDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
_RUNNING = "status = 'running'"


def _site_fk() -> sa.ForeignKey:
    return sa.ForeignKey("sites.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "outbox_jobs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("task", sa.String(64), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("site_id", sa.Uuid(), _site_fk()),
        sa.Column("dedupe_key", sa.String(200), unique=True),
        sa.Column("lock_key", sa.String(100)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_at", UTCDateTime(), nullable=False),
        sa.Column("kicked_at", UTCDateTime()),
        sa.Column("started_at", UTCDateTime()),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("result", _JSON),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')", name="job_status"),
        sa.CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts_range"),
    )
    op.create_index("ix_outbox_jobs_status_run_at", "outbox_jobs", ["status", "run_at"])
    op.create_index("ix_outbox_jobs_site_created", "outbox_jobs", ["site_id", "created_at", "id"])
    op.create_index(
        "uq_outbox_jobs_running_lock",
        "outbox_jobs",
        ["lock_key"],
        unique=True,
        postgresql_where=sa.text(_RUNNING),
        sqlite_where=sa.text(_RUNNING),
    )

    op.create_table(
        "sync_logs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), _site_fk()),
        sa.Column("run_id", sa.Uuid()),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("next_retry_at", UTCDateTime()),
        sa.Column("error", sa.Text()),
        sa.Column("details", _JSON),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'success', 'failed')", name="sync_status"),
    )
    op.create_index("ix_sync_logs_site_created", "sync_logs", ["site_id", "created_at", "id"])
    op.create_index("ix_sync_logs_run", "sync_logs", ["run_id"])

    op.create_table(
        "synced_files",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), _site_fk(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("local_path", sa.String(500), nullable=False),
        sa.Column("remote_path", sa.String(1000), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("etag", sa.String(200)),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("site_id", "local_path"),
    )

    op.create_table(
        "sync_watermarks",
        sa.Column("site_id", sa.Uuid(), _site_fk(), primary_key=True),
        sa.Column("stream", sa.String(32), primary_key=True),
        sa.Column("position_at", UTCDateTime(), nullable=False),
        sa.Column("position_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_watermarks")
    op.drop_table("synced_files")
    op.drop_table("sync_logs")
    op.drop_index("uq_outbox_jobs_running_lock", table_name="outbox_jobs")
    op.drop_table("outbox_jobs")
