"""Cloud sync bookkeeping: one log row per attempt, the files uploaded, the row watermarks."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, JSONDocument, Timestamps, UUIDPrimaryKey, utcnow


class SyncStatus(enum.StrEnum):
    """success; pending: failed, another attempt is scheduled (`next_retry_at`); failed: final."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class SyncLog(UUIDPrimaryKey, Base):
    """One attempt of one outbound operation (spec §4 "Sync log")."""

    __tablename__ = "sync_logs"
    __table_args__ = (
        Index("ix_sync_logs_site_created", "site_id", "created_at", "id"),
        Index("ix_sync_logs_run", "run_id"),
    )

    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # The sync run (its job id) the attempt belongs to.
    run_id: Mapped[uuid.UUID | None]
    service: Mapped[str] = mapped_column(String(32))  # kdrive | google_sheets | sync
    operation: Mapped[str] = mapped_column(String(64))  # webdav.upload, sheets.append…
    target: Mapped[str] = mapped_column(String(1000))  # remote path, sheet name
    status: Mapped[SyncStatus] = mapped_column(
        Enum(
            SyncStatus,
            name="sync_status",
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    attempt: Mapped[int] = mapped_column(default=1)
    next_retry_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncedFile(UUIDPrimaryKey, Base):
    """A local file as it was uploaded: never sent again while its content is unchanged."""

    __tablename__ = "synced_files"
    __table_args__ = (UniqueConstraint("site_id", "local_path"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # exports | audio
    local_path: Mapped[str] = mapped_column(String(500))  # relative to DATA_DIR
    remote_path: Mapped[str] = mapped_column(String(1000))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncWatermark(Timestamps, Base):
    """How far the rows of one stream (sales lines, deposits) went to Google Sheets."""

    __tablename__ = "sync_watermarks"

    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Keyset position of the last row appended: (time, id).
    position_at: Mapped[datetime]
    position_id: Mapped[uuid.UUID]
