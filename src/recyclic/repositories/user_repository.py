"""Queries on users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Row, Table, bindparam, func, or_, select

from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.base import BaseRepository, KeysetPage

_USERS = cast(Table, User.__table__)
# A constant Core statement: read on every authenticated request of the till.
_ACCESS = select(
    _USERS.c.role,
    _USERS.c.site_id,
    _USERS.c.status,
    _USERS.c.is_active,
    _USERS.c.anonymized_at,
).where(_USERS.c.id == bindparam("user_id"))


@dataclass(frozen=True, slots=True)
class UserFilters:
    role: Role | None = None
    status: UserStatus | None = None
    is_active: bool | None = None
    search: str | None = None
    # Registrations no site has claimed yet (a super admin assigns them).
    without_site: bool = False


class UserRepository(BaseRepository[User]):
    model = User

    async def access(
        self, user_id: uuid.UUID
    ) -> Row[Role, uuid.UUID | None, UserStatus, bool, datetime | None] | None:
        """What decides whether a user may act now: (role, site_id, status, is_active,
        anonymized_at), as plain values (no ORM object)."""
        return (await self.session.execute(_ACCESS, {"user_id": user_id})).one_or_none()

    async def get_by_telegram_id(self, telegram_id: int) -> User | None:
        """The user linked to this Telegram account, or None."""
        return await self.one_or_none(select(User).where(User.telegram_id == telegram_id))

    async def get_in_site(self, user_id: uuid.UUID, site_id: uuid.UUID | None) -> User | None:
        """The user if it belongs to `site_id` (None: any site); otherwise None."""
        statement = select(User).where(User.id == user_id)
        if site_id is not None:
            statement = statement.where(User.site_id == site_id)
        return await self.one_or_none(statement)

    async def page(
        self,
        site_id: uuid.UUID | None,
        filters: UserFilters,
        *,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[User]:
        """Users of a site (None: every site), newest first, filtered."""
        statement = select(User)
        if site_id is not None:
            statement = statement.where(User.site_id == site_id)
        if filters.without_site:
            statement = statement.where(User.site_id.is_(None))
        if filters.role is not None:
            statement = statement.where(User.role == filters.role)
        if filters.status is not None:
            statement = statement.where(User.status == filters.status)
        if filters.is_active is not None:
            statement = statement.where(User.is_active.is_(filters.is_active))
        if filters.search:
            # The search is literal text: escape LIKE's wildcards.
            escaped = filters.search.lower().replace("\\", "\\\\")
            escaped = escaped.replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            statement = statement.where(
                or_(
                    func.lower(User.full_name).like(pattern, escape="\\"),
                    func.lower(func.coalesce(User.username, "")).like(pattern, escape="\\"),
                )
            )
        return await self.paginate(
            statement, keys=(User.created_at, User.id), limit=limit, cursor=cursor
        )

    async def names(self, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        """The full names of these users, by id (for lists that show who did what)."""
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.full_name).where(User.id.in_(user_ids))
        )
        return {user_id: str(name) for user_id, name in rows.all()}

    async def count_active_admins(self, site_id: uuid.UUID, *, excluding: uuid.UUID) -> int:
        """Approved, active admins of a site other than `excluding`."""
        statement = select(func.count()).where(
            User.site_id == site_id,
            User.role == Role.ADMIN,
            User.status == UserStatus.APPROVED,
            User.is_active.is_(True),
            User.id != excluding,
        )
        return int(await self.session.scalar(statement) or 0)

    async def list_admins(self, site_id: uuid.UUID) -> list[User]:
        """Approved, active admins of a site (and super admins attached to it)."""
        return await self.all(
            select(User).where(
                User.site_id == site_id,
                User.role.in_((Role.ADMIN, Role.SUPER_ADMIN)),
                User.status == UserStatus.APPROVED,
                User.is_active.is_(True),
            )
        )

    async def list_cashiers(self, site_id: uuid.UUID) -> list[User]:
        """Who may unlock a shop tablet: approved, active operators and above of the site
        who have a PIN, by name."""
        return await self.all(
            select(User)
            .where(
                User.site_id == site_id,
                User.role.in_((Role.OPERATOR, Role.ADMIN, Role.SUPER_ADMIN)),
                User.status == UserStatus.APPROVED,
                User.is_active.is_(True),
                User.anonymized_at.is_(None),
                User.pin_hash.is_not(None),
            )
            .order_by(User.full_name, User.id)
        )
