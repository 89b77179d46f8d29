"""Health check body."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    """Liveness of the API and its database."""

    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]
    version: str
