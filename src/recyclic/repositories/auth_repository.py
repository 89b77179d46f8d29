"""Queries on refresh tokens and login codes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update

from recyclic.models.auth import LoginCode, RefreshToken
from recyclic.repositories.base import BaseRepository


class RefreshTokenRepository(BaseRepository[RefreshToken]):
    model = RefreshToken

    async def get_by_hash_for_update(self, token_hash: str) -> RefreshToken | None:
        """The token row, locked: two concurrent refreshes of one token cannot both win."""
        return await self.one_or_none(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
        )

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        """Revoke every live token of a family (logout, theft detection)."""
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        """Revoke every live token of a user (deactivation, role change, anonymisation)."""
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )


class LoginCodeRepository(BaseRepository[LoginCode]):
    model = LoginCode

    async def get_by_hash_for_update(self, code_hash: str) -> LoginCode | None:
        """The code row, locked so that it can be spent only once."""
        return await self.one_or_none(
            select(LoginCode).where(LoginCode.code_hash == code_hash).with_for_update()
        )
