"""Errors, retry policy and per-attempt reporting shared by the outbound sync clients.

The clients never write sync logs themselves: they call an `AttemptHook` after every attempt
(success, failure that will be retried, final failure), and the sync service records it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

if TYPE_CHECKING:
    from recyclic.core.config import Settings

T = TypeVar("T")
logger = logging.getLogger(__name__)

# A server asking us to wait longer than this is treated as if it asked for this: a sync job
# must not sleep for hours; the next scheduled run picks the work up instead.
RETRY_AFTER_CEILING_SECONDS = 900.0


class SyncClientError(Exception):
    """An outbound request failed; `retryable` says whether trying again can help."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        # True when the server may have applied the request although we saw a failure
        # (timeout after sending, connection dropped, 5xx): re-check before re-sending.
        self.outcome_unknown = outcome_unknown


class RetryableSyncError(SyncClientError):
    """Connection errors, timeouts, 408, 429 and 5xx: worth another attempt later."""

    retryable = True


class PermanentSyncError(SyncClientError):
    """Bad credentials, missing root, malformed request: retrying will not help."""


class SyncAuthError(PermanentSyncError):
    """The remote service refused our credentials (401/403, or the token exchange)."""


@dataclass(frozen=True)
class AttemptInfo:
    """One attempt of one operation, as the sync log records it."""

    operation: str  # e.g. "webdav.upload", "sheets.append"
    target: str  # remote path, or sheet name
    attempt: int  # 1-based
    error: SyncClientError | None  # None when the attempt succeeded
    next_delay: float | None  # seconds before the next attempt; None when there is none

    @property
    def succeeded(self) -> bool:
        """True when this attempt completed the operation."""
        return self.error is None

    @property
    def final(self) -> bool:
        """True when no further attempt follows (success, permanent error, or last retry)."""
        return self.next_delay is None


AttemptHook = Callable[[AttemptInfo], Awaitable[None] | None]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts, how long between them; `sleep` is injectable so tests run fast."""

    max_attempts: int = 5
    base_delay: float = 2.0
    max_delay: float = 300.0
    sleep: Sleep = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays cannot be negative")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy configured by RECYCLIC_SYNC_*."""
        return cls(
            max_attempts=settings.sync_max_attempts,
            base_delay=settings.sync_base_delay_seconds,
            max_delay=settings.sync_max_delay_seconds,
        )

    def delay_after(self, retry_state: RetryCallState) -> float:
        """Retry-After when the server gave one, else exponential backoff with jitter."""
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, SyncClientError) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), RETRY_AFTER_CEILING_SECONDS)
        # Jitter of up to one base delay spreads the retries of several workers apart.
        backoff = wait_exponential_jitter(
            initial=self.base_delay, max=self.max_delay, jitter=self.base_delay
        )
        return float(backoff(retry_state))


async def _report(hook: AttemptHook | None, info: AttemptInfo) -> None:
    if info.error is not None:
        # Also logged here, so a failing upload is visible even before the sync log exists.
        logger.warning(
            "%s %s: attempt %d failed (%s)%s",
            info.operation,
            info.target,
            info.attempt,
            info.error,
            f", retrying in {info.next_delay:.1f} s" if info.next_delay is not None else "",
            extra={"sync_operation": info.operation, "attempt": info.attempt},
        )
    if hook is None:
        return
    result = hook(info)
    if inspect.isawaitable(result):
        await result


async def run_with_retries(
    operation: str,
    target: str,
    attempt_once: Callable[[int], Awaitable[T]],
    *,
    policy: RetryPolicy,
    on_attempt: AttemptHook | None = None,
) -> T:
    """Run `attempt_once(attempt_number)` until it succeeds, fails permanently or runs out.

    Only `RetryableSyncError` is retried. Every attempt is reported to `on_attempt`; the last
    error is re-raised unchanged.
    """
    attempts = 0

    async def once() -> T:
        nonlocal attempts
        attempts += 1
        return await attempt_once(attempts)

    async def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        assert isinstance(error, SyncClientError)
        delay = state.next_action.sleep if state.next_action is not None else None
        await _report(
            on_attempt, AttemptInfo(operation, target, state.attempt_number, error, delay)
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.max_attempts),
        wait=policy.delay_after,
        retry=retry_if_exception(lambda exc: isinstance(exc, RetryableSyncError)),
        before_sleep=before_sleep,
        sleep=policy.sleep,
        reraise=True,
    )
    try:
        result: T = await retrying(once)
    except SyncClientError as error:
        await _report(on_attempt, AttemptInfo(operation, target, attempts, error, None))
        raise
    await _report(on_attempt, AttemptInfo(operation, target, attempts, None, None))
    return result


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def error_for_status(
    response: httpx.Response, what: str, detail: str | None = None
) -> SyncClientError:
    """Classify a failed HTTP response: 408/429/5xx retryable, 401/403 auth, other 4xx permanent."""
    status = response.status_code
    message = f"{what}: HTTP {status} {response.reason_phrase}".rstrip()
    if detail:
        message = f"{message}: {detail}"
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status in (401, 403):
        return SyncAuthError(message, status=status)
    if status == 429 or status == 408:
        # The server refused the request without acting on it.
        return RetryableSyncError(message, status=status, retry_after=retry_after)
    if status == 507:
        # Insufficient storage: the quota will not free itself between two retries.
        return PermanentSyncError(message, status=status)
    if status >= 500:
        return RetryableSyncError(
            message, status=status, retry_after=retry_after, outcome_unknown=True
        )
    return PermanentSyncError(message, status=status)


def error_for_transport(exc: httpx.TransportError, what: str) -> RetryableSyncError:
    """Classify a network failure; only a refused/failed connect proves nothing was sent."""
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    kind = type(exc).__name__
    detail = str(exc) or kind
    return RetryableSyncError(f"{what}: {kind}: {detail}", outcome_unknown=not never_sent)


class PooledClient:
    """An HTTP client owning an `httpx.AsyncClient` pool (`self._http`): usable with
    `async with`, closed by `aclose()`."""

    _http: httpx.AsyncClient

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
