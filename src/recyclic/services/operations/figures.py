"""What the database says at a scrape of GET /metrics: deposits by status, the job queue,
sync runs by outcome (the request and sale counters live in the API processes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.deposit import DepositStatus
from recyclic.models.outbox import JobStatus
from recyclic.models.sync_log import SyncStatus
from recyclic.repositories.metrics_repository import MetricsRepository


@dataclass(frozen=True, slots=True)
class Figures:
    deposits_by_status: dict[str, int]
    jobs_by_status: dict[str, int]
    failed_jobs_by_task: dict[str, int]
    sync_runs_by_outcome: dict[str, int]
    sync_attempts: dict[tuple[str, str], int]  # (service, outcome) → attempts


def _complete(counts: dict[str, int], keys: list[str]) -> dict[str, int]:
    """Every known value present (0 included): a series never disappears from a graph."""
    return {key: counts.get(key, 0) for key in keys} | counts


async def read_figures(session: AsyncSession) -> Figures:
    figures = MetricsRepository(session)
    return Figures(
        deposits_by_status=_complete(
            await figures.deposits_by_status(), [s.value for s in DepositStatus]
        ),
        jobs_by_status=_complete(await figures.jobs_by_status(), [s.value for s in JobStatus]),
        failed_jobs_by_task=await figures.failed_jobs_by_task(),
        sync_runs_by_outcome=_complete(
            await figures.sync_runs_by_outcome(), [s.value for s in SyncStatus]
        ),
        sync_attempts=await figures.sync_attempts_by_service(),
    )
