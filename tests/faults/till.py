"""A shop ready to sell on a served Recyclic: a register, an open session, sale bodies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.served import Server


@dataclass
class Till:
    server: Server
    headers: dict[str, str]
    session_id: str

    def sale(self, sale_id: uuid.UUID | None = None) -> dict[str, Any]:
        """One chair for 12 €, paid in cash; the id makes a replay idempotent."""
        return {
            "id": str(sale_id or uuid.uuid4()),
            "session_id": self.session_id,
            "items": [{"category": "MOB", "description": "Chaise", "unit_price": "12"}],
            "payments": [{"method": "cash", "amount": "12"}],
        }

    def client(self, **options: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.server.url, headers=self.headers, **options)


async def open_till(server: Server) -> Till:
    """Log in as the shop's admin, create a register and open a session on it."""
    token = await server.login()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=10) as client:
        register = await client.post("/api/v1/cash-registers", json={"name": "Caisse 1"})
        assert register.status_code == 201, register.text
        opened = await client.post(
            "/api/v1/cash-sessions",
            json={"register_id": register.json()["id"], "opening_amount": 50},
        )
        assert opened.status_code == 201, opened.text
    return Till(server, headers, opened.json()["id"])
