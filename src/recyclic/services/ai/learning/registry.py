"""Each process keeps one memory per site and brings it up to date before classifying.

The memories live in the process (the API workers, the bot, the job worker each have theirs).
Before a classification for a site, `LearningRegistry.memory_for` asks a reader — supplied by
the deposits domain, which owns the table — for the site's validated deposits changed since the
last look (`updated_at` at or after the watermark, minus a short overlap for transactions that
committed late), at most once per `refresh_seconds` (default: every time; the query is an index
range scan that usually returns nothing). So a validation or an admin's correction made in any
process reaches every process's next proposal, with no message between processes.

The first look loads the site's latest `capacity` validated deposits. Up to `INLINE_LOAD` of
them are learned at once; a longer history is learned in a worker thread, so the event loop
(and the till it serves) never waits on it, and proposals use it as soon as it is ready.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from recyclic.services.ai.learning.memory import SiteMemory, ValidatedExample

logger = logging.getLogger(__name__)

INLINE_LOAD = 2_000  # validated deposits learned in the event loop; more go to a thread
# A transaction stamps `updated_at` when it writes and becomes visible when it commits: rows
# stamped up to this long before the watermark are read again (they are learned only once).
COMMIT_OVERLAP = timedelta(minutes=5)


class ValidatedExamples(Protocol):
    """Where a site's validated deposits come from (the deposits domain reads them)."""

    async def validated_examples(
        self, site_id: uuid.UUID, *, changed_since: datetime | None, limit: int
    ) -> Sequence[ValidatedExample]:
        """The site's validated deposits changed at or after `changed_since` (all when None),
        the most recently changed first, at most `limit`."""
        ...


@dataclass
class _Slot:
    memory: SiteMemory
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    checked_at: float = float("-inf")  # time.monotonic() of the last look
    building: asyncio.Future[SiteMemory] | None = None  # a long history learned in a thread


class LearningRegistry:
    """The process's memories of validated deposits, one per site."""

    def __init__(
        self,
        *,
        capacity: int = 50_000,
        half_life_days: float = 365.0,
        refresh_seconds: float = 0.0,
    ) -> None:
        self.capacity = capacity
        self.half_life_days = half_life_days
        self.refresh_seconds = refresh_seconds
        self._slots: dict[uuid.UUID, _Slot] = {}

    async def memory_for(self, site_id: uuid.UUID, source: ValidatedExamples) -> SiteMemory:
        """The site's memory, brought up to date from `source` when the last look is older
        than `refresh_seconds`."""
        slot = self._slots.get(site_id)
        if slot is None:
            memory = SiteMemory(
                capacity=self.capacity,
                half_life_days=self.half_life_days,
                epoch=datetime.now(UTC),
            )
            slot = self._slots.setdefault(site_id, _Slot(memory))
        if slot.building is not None:
            if not slot.building.done():
                return slot.memory  # what it knew so far, until the history is learned
            self._take_built(site_id, slot)
        if time.monotonic() - slot.checked_at < self.refresh_seconds:
            return slot.memory
        async with slot.lock:
            if slot.building is None and time.monotonic() - slot.checked_at >= self.refresh_seconds:
                await self._refresh(site_id, slot, source)
        return slot.memory

    async def _refresh(self, site_id: uuid.UUID, slot: _Slot, source: ValidatedExamples) -> None:
        since = None if slot.memory.watermark is None else slot.memory.watermark - COMMIT_OVERLAP
        rows = await source.validated_examples(site_id, changed_since=since, limit=self.capacity)
        ordered = sorted(rows, key=lambda row: (row.validated_at, row.changed_at))
        slot.checked_at = time.monotonic()
        if since is None or len(rows) >= self.capacity:
            # The first look, or more changed than the memory holds: start from the latest.
            if len(rows) > INLINE_LOAD:
                slot.building = asyncio.ensure_future(asyncio.to_thread(self._build, ordered))
                return
            slot.memory = self._build(ordered)
            return
        slot.memory.learn(ordered)

    def _build(self, rows: Sequence[ValidatedExample]) -> SiteMemory:
        """A new memory of these validated deposits (oldest first)."""
        memory = SiteMemory(
            capacity=self.capacity,
            half_life_days=self.half_life_days,
            epoch=datetime.now(UTC),
        )
        memory.learn(rows)
        return memory

    def _take_built(self, site_id: uuid.UUID, slot: _Slot) -> None:
        """Use the memory the thread built, or look again if building it failed."""
        assert slot.building is not None
        building, slot.building = slot.building, None
        try:
            slot.memory = building.result()
        except Exception:
            logger.exception("learning the history of site %s failed", site_id)
            slot.checked_at = float("-inf")

    async def learned(self, site_id: uuid.UUID) -> None:
        """Wait until a history being learned in a thread is ready (benchmarks, tests)."""
        slot = self._slots.get(site_id)
        if slot is not None and slot.building is not None:
            await asyncio.wait([slot.building])

    def close(self) -> None:
        """Stop waiting for histories still being learned (at shutdown)."""
        for slot in self._slots.values():
            if slot.building is not None:
                slot.building.cancel()
                slot.building = None

    def forget(self, site_id: uuid.UUID | None = None) -> None:
        """Drop one site's memory (every site's when None); it is reloaded on next use."""
        if site_id is None:
            self._slots.clear()
        else:
            self._slots.pop(site_id, None)
