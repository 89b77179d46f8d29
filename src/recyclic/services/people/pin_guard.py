"""Wrong PINs are counted per account *and per source* (the client address; a paired device
later), so that a stranger exhausts their own budget, not their victim's.

A source that gets `pin_max_failures` wrong in `pin_lock_minutes` is refused for that account
until the oldest of them is that old (429 `pin_locked`); the right PIN from that source clears
its count. Many sources together still cannot guess freely: past `pin_max_failures_per_account`
wrong PINs in all (counted in the database, reset by a success), the PIN itself is locked for
`pin_lock_minutes`. An admin can unlock both (`POST /users/{id}/pin/unlock`).

A source is a short string such as `ip:192.0.2.7` or `device:<id>`: the interface decides
which ones a request has (api/deps.py `login_sources`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from recyclic.core.config import Settings
from recyclic.core.exceptions import RateLimited
from recyclic.core.rate_limit import RateLimiter
from recyclic.models.user import User


class PinLocked(RateLimited):
    code = "pin_locked"
    commit_changes = True  # the account-wide count must stick

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        minutes = max(1, round(retry_after / 60))
        self.message = f"Trop d'essais : le code PIN est bloqué pendant {minutes} min."


class PinGuard:
    """Counts wrong PINs in the rate limiter (per source) and on the user row (overall)."""

    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self.limiter = limiter
        self.max_failures = settings.pin_max_failures
        self.max_account_failures = settings.pin_max_failures_per_account
        self.window = settings.pin_lock_minutes * 60

    @staticmethod
    def _key(user_id: uuid.UUID, source: str) -> str:
        return f"pin:{user_id}:{source}"

    async def check(self, user: User, sources: Sequence[str], now: datetime) -> None:
        """Refuse (429) when the PIN or one of these sources is locked for this account."""
        if user.pin_locked_until is not None and user.pin_locked_until > now:
            raise PinLocked(int((user.pin_locked_until - now).total_seconds()) + 1)
        for source in sources:
            wait = await self.limiter.peek(
                self._key(user.id, source), self.max_failures, self.window
            )
            if wait is not None:
                raise PinLocked(wait)

    async def failed(self, user: User, sources: Sequence[str], now: datetime) -> int | None:
        """Count a wrong PIN; the seconds of the lock it causes, if any."""
        waits = [
            await self.limiter.hit(self._key(user.id, source), self.max_failures, self.window)
            for source in sources
        ]
        user.pin_failed_attempts += 1
        if user.pin_failed_attempts >= self.max_account_failures:
            user.pin_failed_attempts = 0
            user.pin_locked_until = now + timedelta(seconds=self.window)
            return self.window
        # The hit that reaches the limit is still counted: the next one is refused.
        for source in sources:
            wait = await self.limiter.peek(
                self._key(user.id, source), self.max_failures, self.window
            )
            if wait is not None:
                waits.append(wait)
        known = [w for w in waits if w is not None]
        return max(known) if known else None

    async def succeeded(self, user: User, sources: Sequence[str]) -> None:
        """The right PIN: these sources start afresh, and so does the overall count."""
        for source in sources:
            await self.limiter.clear(self._key(user.id, source))
        user.pin_failed_attempts = 0
        user.pin_locked_until = None

    async def unlock(self, user: User) -> None:
        """Every lock of this account lifted (an admin's decision)."""
        await self.limiter.clear(f"pin:{user.id}:")
        user.pin_failed_attempts = 0
        user.pin_locked_until = None
