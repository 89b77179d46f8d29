"""The job outbox: background work written in the same transaction as the data it concerns."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, JSONDocument, Timestamps, UUIDPrimaryKey


class JobStatus(enum.StrEnum):
    """pending → running → done | failed; a failed attempt with tries left goes back to pending."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OutboxJob(UUIDPrimaryKey, Timestamps, Base):
    """One job: its task name, its payload (ids and plain values only) and its progress.

    The broker only ever carries the job's id; this row is the truth. A job is handed to the
    broker after the commit that wrote it, and again by the relay when the broker never took it
    (`kicked_at` too old) or its worker vanished (`lease_until` passed).
    """

    __tablename__ = "outbox_jobs"
    __table_args__ = (
        # The relay's question: which pending jobs are due?
        Index("ix_outbox_jobs_status_run_at", "status", "run_at"),
        Index("ix_outbox_jobs_site_created", "site_id", "created_at", "id"),
        # Jobs sharing a lock key (e.g. one site's sync) never run at the same time: the
        # database refuses a second running one, whichever worker claims it.
        Index(
            "uq_outbox_jobs_running_lock",
            "lock_key",
            unique=True,
            postgresql_where=text("status = 'running'"),
            sqlite_where=text("status = 'running'"),
        ),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts_range"),
    )

    task: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        Enum(
            JobStatus,
            name="job_status",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=JobStatus.PENDING,
    )
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # The same key never makes a second job (a daily run, one notification per failed sync).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    lock_key: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_at: Mapped[datetime]
    kicked_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
