"""The yearly journal archive: a ZIP sealed with an HMAC, verifiable offline.

Contents: `journal_entries.csv` (the year's chain, as stored: the hashed payload text is
copied untouched), `closings.csv` (the period closings of the year and the chain heads they
recorded), `manifest.json` (site, year, each file's SHA-256, the chain head at year end) and
`manifest.sig` (hex HMAC-SHA-256 of the exact bytes of manifest.json, keyed with the server
secret `RECYCLIC_SECRET_KEY`). The ZIP is written as it streams out (zip data descriptors), one
batch of entries at a time: memory stays flat for any chain length.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import uuid
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import Database
from recyclic.core.exceptions import InvalidInput
from recyclic.models.base import utcnow
from recyclic.models.journal import GENESIS_HASH, Closing
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.journal_repository import JournalRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.services.access.scope import require_role, target_site
from recyclic.services.cash.journal import canonical_json, utc_iso
from recyclic.services.people.sites import SiteNotFound
from recyclic.services.reporting.files import ExportFile, batch_reader
from recyclic.utils.dates import local_today
from recyclic.utils.periods import Period, parse_period

ARCHIVE_FORMAT = "recyclic-journal-archive"
ARCHIVE_VERSION = 1
ENTRIES_FILE = "journal_entries.csv"
CLOSINGS_FILE = "closings.csv"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
ENTRY_COLUMNS = ("seq", "kind", "ref_id", "created_at", "prev_hash", "hash", "payload")
CLOSING_COLUMNS = (
    "closing_id",
    "kind",
    "period_start",
    "period_end",
    "starts_at",
    "ends_at",
    "grand_total_cents",
    "journal_seq",
    "journal_hash",
    "created_by",
    "created_at",
    "totals",
)
BATCH_ENTRIES = 5_000
FIRST_YEAR = 2000


class InvalidYear(InvalidInput):
    code = "invalid_year"
    message = "Année invalide."


def seal(manifest: bytes, secret: str) -> str:
    """Hex HMAC-SHA-256 of the manifest's bytes under the server secret."""
    return hmac.new(secret.encode("utf-8"), manifest, hashlib.sha256).hexdigest()


def csv_bytes(rows: list[tuple[Any, ...]]) -> bytes:
    """RFC 4180 lines (CRLF), UTF-8, no BOM: the archive is read by programs."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


class _Sink(io.RawIOBase):
    """Where zipfile writes: bytes wait here until the response takes them. Not seekable,
    so zipfile streams (sizes and CRCs go in data descriptors after each file)."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        return len(data)

    def take(self) -> bytes:
        data, self.buffer = bytes(self.buffer), bytearray()
        return data


@dataclass(slots=True)
class _Digest:
    """A file being written into the archive: its SHA-256, size and row count."""

    name: str
    handle: IO[bytes]
    sha256: Any = None
    size: int = 0
    rows: int = 0

    def __post_init__(self) -> None:
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes, rows: int = 0) -> None:
        self.handle.write(data)
        self.sha256.update(data)
        self.size += len(data)
        self.rows += rows

    def entry(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256.hexdigest(),
            "bytes": self.size,
            "rows": self.rows,
        }


def _closing_row(c: Closing) -> tuple[Any, ...]:
    return (
        str(c.id),
        c.kind.value,
        c.period_start.isoformat(),
        c.period_end.isoformat(),
        utc_iso(c.starts_at),
        utc_iso(c.ends_at),
        c.grand_total_cents,
        c.journal_seq,
        c.journal_hash,
        str(c.created_by),
        utc_iso(c.created_at),
        canonical_json(c.totals),
    )


class JournalArchiveService:
    def __init__(
        self,
        session: AsyncSession,
        database: Database | None,
        *,
        secret: str,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.read = batch_reader(session, database)
        self.secret = secret
        self.now = now
        self.sites = SiteRepository(session)

    async def archive(self, actor: User, *, site_id: uuid.UUID | None, year: int) -> ExportFile:
        """The archive of a site's year (admins)."""
        require_role(actor, Role.ADMIN)
        site = await self.sites.get(target_site(actor, site_id))
        if site is None:
            raise SiteNotFound()
        return self.archive_for_site(site, year)

    def archive_for_site(self, site: Site, year: int) -> ExportFile:
        """The same without an actor (jobs); the year may still be running (the manifest
        then says `complete: false`)."""
        current = local_today(site.timezone, self.now()).year
        if not FIRST_YEAR <= year <= current:
            raise InvalidYear(f"Année invalide : {year} (de {FIRST_YEAR} à {current}).")
        period = parse_period("yearly", str(year), site.timezone)
        filename = f"journal_{site.slug}_{year}.zip"
        return ExportFile(filename, "application/zip", self._chunks(site, period))

    async def _chunks(self, site: Site, period: Period) -> AsyncIterator[bytes]:
        sink = _Sink()
        archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        async with self.read() as session:
            journal = JournalRepository(session)
            before = await journal.last_seq_before(site.id, period.starts_at)
            last = await journal.last_seq_before(site.id, period.ends_at)
            prev_hash = (await journal.entry_hash(site.id, before) if before else None) or (
                GENESIS_HASH
            )
            closings = await journal.closings_between(site.id, period.start, period.end)
        head = prev_hash
        with archive.open(ENTRIES_FILE, "w", force_zip64=True) as handle:
            entries = _Digest(ENTRIES_FILE, handle)
            entries.write(csv_bytes([ENTRY_COLUMNS]))
            after = before
            while after < last:
                async with self.read() as session:
                    rows = await JournalRepository(session).entries_after(
                        site.id, after, limit=BATCH_ENTRIES, until=last
                    )
                if not rows:
                    break
                lines = [(s, k, r, c, p, h, payload) for s, k, r, payload, p, h, c in rows]
                entries.write(csv_bytes(lines), rows=len(lines))
                after, head = int(rows[-1][0]), str(rows[-1][5])
                yield sink.take()
        with archive.open(CLOSINGS_FILE, "w") as handle:
            closing_file = _Digest(CLOSINGS_FILE, handle)
            closing_file.write(csv_bytes([CLOSING_COLUMNS, *map(_closing_row, closings)]))
            closing_file.rows = len(closings)
        manifest = self._manifest(site, period, [entries, closing_file])
        manifest["journal"] = {
            "first_seq": before + 1 if entries.rows else None,
            "last_seq": after if entries.rows else None,
            "entries": entries.rows,
            "prev_hash": prev_hash,
            "head_seq": after,
            "head_hash": head,
        }
        document = canonical_json(manifest).encode("utf-8")
        archive.writestr(MANIFEST_FILE, document)
        archive.writestr(SIGNATURE_FILE, seal(document, self.secret) + "\n")
        archive.close()
        yield sink.take()

    def _manifest(self, site: Site, period: Period, files: list[_Digest]) -> dict[str, Any]:
        now = self.now()
        return {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "site": {"id": str(site.id), "name": site.name, "slug": site.slug},
            "year": period.start.year,
            "timezone": site.timezone,
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "starts_at": utc_iso(period.starts_at),
                "ends_at": utc_iso(period.ends_at),
            },
            "complete": period.ends_at <= now,
            "files": [f.entry() for f in files],
            "signature": {"file": SIGNATURE_FILE, "algorithm": "HMAC-SHA256", "key": "secret_key"},
            "generated_at": utc_iso(now),
        }


def load_manifest(document: bytes) -> dict[str, Any]:
    """The manifest as a dict (orjson, strict)."""
    value = orjson.loads(document)
    if not isinstance(value, dict):
        raise ValueError("manifest is not an object")
    return value
