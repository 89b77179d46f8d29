"""Closings and journal verification."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field

from recyclic.models.journal import Closing, ClosingKind
from recyclic.schemas.common import CentsAsEuros, ResponseSchema, Schema
from recyclic.utils.formatting import units_to_api


class ClosingCreate(Schema):
    kind: ClosingKind
    date: str = Field(
        min_length=4, max_length=10, description="2026-11-26 (jour), 2026-11 (mois), 2026 (année)"
    )


class ClosingOut(ResponseSchema):
    id: uuid.UUID
    site_id: uuid.UUID
    kind: ClosingKind
    period_start: date
    period_end: date
    totals: dict[str, Any]
    grand_total: CentsAsEuros
    journal_seq: int
    journal_hash: str
    created_by: uuid.UUID
    created_at: datetime

    @classmethod
    def from_closing(cls, closing: Closing) -> ClosingOut:
        return cls(
            id=closing.id,
            site_id=closing.site_id,
            kind=closing.kind,
            period_start=closing.period_start,
            period_end=closing.period_end,
            totals=units_to_api(closing.totals),
            grand_total=closing.grand_total_cents,
            journal_seq=closing.journal_seq,
            journal_hash=closing.journal_hash,
            created_by=closing.created_by,
            created_at=closing.created_at,
        )


class JournalVerifyOut(Schema):
    ok: bool
    entries: int
    head_hash: str
    first_broken_seq: int | None
    reason: str | None = None
