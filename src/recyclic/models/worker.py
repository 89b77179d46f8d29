"""Job workers' heartbeats: each running `recyclic worker` keeps its row fresh."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from recyclic.models.base import Base, utcnow


class WorkerHeartbeat(Base):
    """One live (or vanished) worker process. A clean stop deletes the row; a row whose
    `seen_at` is older than `RECYCLIC_WORKER_STALE_SECONDS` is a worker that died."""

    __tablename__ = "worker_heartbeats"

    # host:pid:random — unique per process start.
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    concurrency: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
