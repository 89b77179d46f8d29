"""Async factories: realistic rows in one call, written through the test transaction."""

from __future__ import annotations

import itertools
from typing import Any

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus

_sequence = itertools.count(1)


class Factory:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings

    async def site(self, **fields: Any) -> Site:
        """A site with a unique name and slug."""
        n = next(_sequence)
        values: dict[str, Any] = {
            "name": f"Ressourcerie {n}",
            "slug": f"ressourcerie-{n}",
            "timezone": "Europe/Paris",
            "address": f"{n} rue du Réemploi, 75011 Paris",
            "legal_name": f"Association Ressourcerie {n}",
            "siret": "12345678900011",
        }
        values.update(fields)
        async with self.database.unit_of_work() as session:
            site = Site(**values)
            session.add(site)
        return site

    async def user(
        self,
        site: Site | None = None,
        *,
        role: Role = Role.OPERATOR,
        status: UserStatus = UserStatus.APPROVED,
        **fields: Any,
    ) -> User:
        """An approved, active user of `site` with a unique Telegram id."""
        n = next(_sequence)
        values: dict[str, Any] = {
            "telegram_id": 7_000_000 + n,
            "full_name": f"Bénévole {n}",
            "username": f"benevole{n}",
            "role": role,
            "status": status,
            "is_active": True,
            "site_id": site.id if site is not None else None,
        }
        values.update(fields)
        async with self.database.unit_of_work() as session:
            user = User(**values)
            session.add(user)
        return user
