"""Fixtures for the sync client tests: local servers, fast retry policies, attempt logs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from recyclic.services.sync.clients.retry import AttemptInfo, RetryPolicy
from tests.fakes.sheets_server import (  # noqa: F401 - fixtures
    service_account_file,
    service_account_key,
    sheets_server,
)
from tests.fakes.webdav_server import webdav_server  # noqa: F401 - fixture


@dataclass
class SleepRecorder:
    """Stands in for asyncio.sleep: records the delays asked for and returns at once."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@dataclass
class AttemptLog:
    """Collects what the clients report after each attempt (as the sync log will)."""

    attempts: list[AttemptInfo] = field(default_factory=list)

    def __call__(self, info: AttemptInfo) -> None:
        self.attempts.append(info)

    def of(self, operation: str) -> list[AttemptInfo]:
        """The attempts of one operation, in order."""
        return [a for a in self.attempts if a.operation == operation]


@pytest.fixture
def sleeps() -> SleepRecorder:
    """The delays the retry policy waited (without really waiting)."""
    return SleepRecorder()


@pytest.fixture
def policy(sleeps: SleepRecorder) -> RetryPolicy:
    """Four attempts, millisecond backoff, no real sleeping."""
    return RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, sleep=sleeps)


@pytest.fixture
def attempt_log() -> AttemptLog:
    """An `on_attempt` hook that keeps every report."""
    return AttemptLog()
