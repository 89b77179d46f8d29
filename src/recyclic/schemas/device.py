"""Paired tablets (web till)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from recyclic.schemas.common import CentsAsEuros, ResponseSchema, Schema


class DevicePair(Schema):
    register_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, examples=["Tablette comptoir"])


class DeviceRename(Schema):
    name: str = Field(min_length=1, max_length=100)


class DeviceOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID
    register_id: uuid.UUID
    name: str
    created_by: uuid.UUID
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


class DeviceRegister(ResponseSchema):
    id: uuid.UUID
    name: str
    is_active: bool
    proposed_float: CentsAsEuros | None = Field(
        None, description="Fond de caisse gardé à la dernière clôture (proposé à l'ouverture)."
    )


class DeviceSite(ResponseSchema):
    id: uuid.UUID
    name: str
    timezone: str


class Cashier(ResponseSchema):
    id: uuid.UUID
    full_name: str


class DeviceContextOut(ResponseSchema):
    """What a paired tablet shows on its lock screen."""

    device: DeviceOut
    cash_register: DeviceRegister
    site: DeviceSite
    cashiers: list[Cashier]
