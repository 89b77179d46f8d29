"""Job tests: sync retries in milliseconds, so a job hitting a dead server ends quickly."""

from __future__ import annotations

import pytest

from recyclic.core.config import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "sync_max_attempts": 2,
            "sync_base_delay_seconds": 0.001,
            "sync_max_delay_seconds": 0.01,
            "sync_http_timeout_seconds": 5,
        }
    )
