"""What comes in and what goes out, at scale (`recyclic demo seed --deposits N
--outbound-flows N`): deposits and outbound flows generated in Python and written in bulk
(COPY on PostgreSQL, executemany on SQLite), like the sales of `demo_bulk`."""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.deposit import Deposit
from recyclic.models.outbound_flow import OutboundFlow
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.bulk_repository import BulkRepository
from recyclic.utils.periods import zone

CHUNK = 20_000
# (category, description, weight range in kg, share of the drop-offs)
DROP_OFFS: tuple[tuple[str, str, tuple[float, float], int], ...] = (
    ("MOB", "Chaise en bois", (3, 8), 10),
    ("MOB", "Commode", (20, 60), 4),
    ("TLC", "Sac de vêtements", (2, 12), 14),
    ("LIV", "Carton de livres", (5, 20), 8),
    ("VAI", "Carton de vaisselle", (4, 15), 7),
    ("DEC", "Cadres et bibelots", (1, 6), 5),
    ("JOU", "Sac de jouets", (1, 8), 5),
    ("SPO", "Vélo", (8, 18), 3),
    ("BRI", "Outils de jardin", (2, 15), 3),
    ("EEE-1", "Réfrigérateur", (30, 70), 2),
    ("EEE-2", "Télévision", (5, 25), 3),
    ("EEE-3", "Ampoules", (0.1, 1), 1),
    ("EEE-4", "Machine à laver", (50, 80), 2),
    ("EEE-5", "Petit électroménager", (0.5, 6), 8),
    ("EEE-6", "Téléphone ou imprimante", (0.1, 8), 4),
    ("DIV", "Divers", (0.5, 10), 6),
)
_DEPOSIT_COLUMNS = (
    "id", "site_id", "status", "description", "category", "quantity", "weight_g",
    "destination", "donor_type", "postal_code", "channel", "ai_category", "ai_confidence",
    "ai_provider", "ai_first_choice_kept", "human_validated", "created_by", "validated_by",
    "validated_at", "created_at", "updated_at",
)  # fmt: skip
_FLOW_COLUMNS = (
    "id", "site_id", "date", "category", "weight_g", "destination", "partner", "document_ref",
    "created_by", "created_at", "updated_at",
)  # fmt: skip
# Where each family goes when it leaves other than by sale.
_PARTNERS = {
    "eco_organism": ("Ecologic", "ecosystem", "Ecomaison", "Refashion"),
    "recycler": ("Envie", "Paprec", "Derichebourg"),
    "dechetterie": ("Déchèterie communautaire",),
    "donation": ("Secours populaire", "Emmaüs", "Croix-Rouge"),
}


def _days(last_day: date, days: int) -> list[date]:
    return [last_day - timedelta(days=n) for n in range(days - 1, -1, -1)]


class BulkDepositsLoader:
    """`count` deposits over `days` days (mostly validated, some awaiting or cancelled)."""

    def __init__(
        self,
        session: AsyncSession,
        site: Site,
        volunteers: list[User],
        validator: User,
        *,
        seed: int = 11,
    ) -> None:
        self.site = site
        self.volunteers = volunteers
        self.validator = validator
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.bulk = BulkRepository(session)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    async def load(
        self,
        count: int,
        days: int,
        progress: Callable[[int], None],
        *,
        last_day: date | None = None,
    ) -> int:
        """Write the deposits, one chunk at a time; the last day is yesterday by default."""
        tz = zone(self.site.timezone)
        end = last_day or datetime.now(tz).date() - timedelta(days=1)
        per_day = math.ceil(count / days)
        rows: list[tuple[Any, ...]] = []
        written = 0
        weights = [share for *_, share in DROP_OFFS]
        for day in _days(end, days):
            todays = min(per_day, count - written - len(rows))
            opening = datetime.combine(day, time(9, 0), tzinfo=tz)
            step = timedelta(seconds=32_400 / max(todays, 1))
            for n in range(todays):
                at = opening + step * n
                rows.append(self._deposit(at, self.rng.choices(DROP_OFFS, weights)[0]))
            if len(rows) >= CHUNK or written + len(rows) >= count:
                await self.bulk.copy(Deposit.__tablename__, _DEPOSIT_COLUMNS, rows)
                written += len(rows)
                progress(len(rows))
                rows = []
            if written >= count:
                break
        await self.bulk.refresh_statistics([Deposit.__tablename__])
        return written

    def _deposit(
        self, at: datetime, item: tuple[str, str, tuple[float, float], int]
    ) -> tuple[Any, ...]:
        rng = self.rng
        category, description, (low, high), _ = item
        status = rng.choices(("validated", "classified", "draft", "cancelled"), (92, 4, 2, 2))[0]
        kept = rng.random() < 0.85
        ai_category = category if kept else rng.choice(DROP_OFFS)[0]
        weight = int(rng.uniform(low, high) * 1000) or 1
        validated = status == "validated"
        volunteer = rng.choice(self.volunteers)
        return (
            self._uuid(), self.site.id, status, description,
            category if status != "draft" else None,
            rng.choice((1, 1, 1, 2, 3)) if status != "draft" else None,
            weight if status in ("validated", "classified") else None,
            rng.choices(("reuse", "recycling", "disposal"), (80, 15, 5))[0] if validated else None,
            rng.choice(("individual", "individual", "business", "public")),
            rng.choice(("14000", "14120", "14200", "50100", "61000")),
            rng.choices(("drop_off", "pickup", "collection_point"), (85, 10, 5))[0],
            ai_category if status != "draft" else None,
            rng.randint(50, 95) if status != "draft" else None,
            rng.choice(("local", "local", "gemini")) if status != "draft" else None,
            (ai_category == category) if validated else None,
            validated, volunteer.id,
            self.validator.id if validated else None,
            at + timedelta(minutes=5) if validated else None,
            at, at,
        )  # fmt: skip


class BulkOutboundFlowsLoader:
    """`count` outbound flows over `days` days: pickups, trips to the déchèterie, gifts."""

    def __init__(self, session: AsyncSession, site: Site, admin: User, *, seed: int = 13) -> None:
        self.site = site
        self.admin = admin
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.bulk = BulkRepository(session)

    async def load(
        self,
        count: int,
        days: int,
        progress: Callable[[int], None],
        *,
        last_day: date | None = None,
    ) -> int:
        tz = zone(self.site.timezone)
        end = last_day or datetime.now(tz).date() - timedelta(days=1)
        calendar = _days(end, days)
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        for n in range(count):
            day = calendar[n * len(calendar) // count]
            category = rng.choices(DROP_OFFS, [share for *_, share in DROP_OFFS])[0][0]
            destination = rng.choices(tuple(_PARTNERS), (45, 20, 15, 20))[0]
            at = datetime.combine(day, time(17, 0), tzinfo=tz)
            rows.append(
                (
                    uuid.UUID(int=rng.getrandbits(128), version=4), self.site.id, day, category,
                    rng.randint(20_000, 2_000_000), destination,
                    rng.choice(_PARTNERS[destination]), f"BE-{day:%Y%m%d}-{n % 1000:03d}",
                    self.admin.id, at, at,
                )
            )  # fmt: skip
            if len(rows) >= CHUNK:
                await self.bulk.copy(OutboundFlow.__tablename__, _FLOW_COLUMNS, rows)
                progress(len(rows))
                rows = []
        await self.bulk.copy(OutboundFlow.__tablename__, _FLOW_COLUMNS, rows)
        progress(len(rows))
        await self.bulk.refresh_statistics([OutboundFlow.__tablename__])
        return count
