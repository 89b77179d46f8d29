"""The inalterable journal: one hash chain per site (spec §4 "Journal").

Each entry's `payload` is canonical JSON text (keys sorted, no spaces, UTF-8, money in cents,
weights in grams, UTC timestamps with "Z") that includes seq, kind, site_id, ref_id and
created_at; `hash = sha256(prev_hash + payload)`, the first prev_hash being 64 zeros.
Verification hashes the stored text — it never re-serialises.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.journal import GENESIS_HASH
from recyclic.repositories.journal_repository import JournalRepository


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a 'Z', always with microseconds: 2026-11-26T09:30:00.123456Z."""
    # isoformat() of a UTC datetime ends in "+00:00"; it is much faster than strftime.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def canonical_json(data: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 text.

    orjson with sorted keys writes exactly what `json.dumps(sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)` writes for our data (strings, integers,
    booleans, null), an order of magnitude faster; verification never re-serialises anyway.
    """
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def chain_hash(prev_hash: str, payload: str) -> str:
    """sha256(prev_hash + payload) in hex."""
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def build_entry(
    *,
    site_id: uuid.UUID,
    seq: int,
    prev_hash: str,
    kind: str,
    ref_id: object,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """The row of one journal entry: its canonical payload and its chained hash."""
    payload = canonical_json(
        {
            **data,
            "seq": seq,
            "kind": kind,
            "site_id": str(site_id),
            "ref_id": str(ref_id),
            "created_at": utc_iso(now),
        }
    )
    return {
        "site_id": site_id,
        "seq": seq,
        "kind": kind,
        "ref_id": str(ref_id),
        "payload": payload,
        "prev_hash": prev_hash,
        "hash": chain_hash(prev_hash, payload),
        "created_at": now,
    }


@dataclass(slots=True)
class HeadLock:
    """The site's chain head, locked for this unit of work."""

    site_id: uuid.UUID
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class AppendedEntry:
    seq: int
    hash: str
    payload: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int
    head_hash: str
    first_broken_seq: int | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as stored (what a person checks when the chain breaks there)."""

    seq: int
    kind: str
    ref_id: str
    payload: str
    prev_hash: str
    hash: str
    created_at: str  # ISO text, UTC


class JournalService:
    def __init__(self, session: AsyncSession) -> None:
        self.journal = JournalRepository(session)

    async def entry(self, site_id: uuid.UUID, seq: int) -> StoredEntry | None:
        """One entry of the site's chain as stored, or None."""
        rows = await self.journal.entries_after(site_id, seq - 1, limit=1, until=seq)
        return StoredEntry(*rows[0]) if rows else None

    async def lock(self, site_id: uuid.UUID) -> HeadLock:
        """Take the site's append lock (held until commit) and read its head."""
        seq, hash_ = await self.journal.lock_head(site_id)
        return HeadLock(site_id=site_id, seq=seq, hash=hash_)

    async def append(
        self,
        lock: HeadLock,
        *,
        kind: str,
        ref_id: object,
        data: dict[str, Any],
        now: datetime,
    ) -> AppendedEntry:
        """Chain one entry after the locked head, and move the head."""
        row = build_entry(
            site_id=lock.site_id,
            seq=lock.seq + 1,
            prev_hash=lock.hash,
            kind=kind,
            ref_id=ref_id,
            data=data,
            now=now,
        )
        await self.journal.insert_entry(row)
        await self.journal.move_head(lock.site_id, row["seq"], row["hash"])
        lock.seq, lock.hash = row["seq"], row["hash"]
        return AppendedEntry(seq=row["seq"], hash=row["hash"], payload=row["payload"])

    async def move_head(self, lock: HeadLock, seq: int, hash_: str) -> None:
        """Record entries chained outside `append` (bulk loading) as the new head."""
        await self.journal.move_head(lock.site_id, seq, hash_)
        lock.seq, lock.hash = seq, hash_

    async def verify(self, site_id: uuid.UUID) -> VerifyResult:
        """Recompute the chain from the stored text; report the first broken entry."""
        expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
        site = str(site_id)
        async for rows in self.journal.stream(site_id):
            for seq, kind, ref_id, payload, stored_prev, stored_hash, created_at in rows:
                if seq != expected_seq:
                    return VerifyResult(False, count, prev_hash, expected_seq, "missing entry")
                problem = check_entry(
                    payload,
                    stored_prev,
                    stored_hash,
                    prev_hash,
                    (seq, kind, site, ref_id, created_at),
                )
                if problem:
                    return VerifyResult(False, count, prev_hash, seq, problem)
                prev_hash, expected_seq, count = stored_hash, seq + 1, count + 1
        head_seq, head_hash = await self.journal.head(site_id)
        if head_seq != count or head_hash != prev_hash:
            # The tail was removed (or the head row forged): the chain alone cannot tell.
            return VerifyResult(False, count, prev_hash, count + 1, "chain shorter than its head")
        for closing_seq, closing_hash, _ in await self.journal.closing_heads(site_id):
            if await self.journal.entry_hash(site_id, closing_seq) != closing_hash:
                return VerifyResult(
                    False, count, prev_hash, closing_seq, "differs from a closing's recorded head"
                )
        return VerifyResult(True, count, prev_hash, None)


def check_entry(
    payload: str,
    stored_prev: str,
    stored_hash: str,
    prev_hash: str,
    columns: tuple[int, str, str, str, str],
) -> str | None:
    if stored_prev != prev_hash:
        return "previous hash does not match"
    if chain_hash(prev_hash, payload) != stored_hash:
        return "hash does not match the stored payload"
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return "payload is not JSON"
    seq, kind, site, ref_id, created_at = columns
    if not isinstance(data, dict):
        return "payload is not a JSON object"
    if (data.get("seq"), data.get("kind"), data.get("site_id"), data.get("ref_id")) != (
        seq,
        kind,
        site,
        ref_id,
    ) or data.get("created_at") != created_at:
        return "columns differ from the hashed payload"
    return None
