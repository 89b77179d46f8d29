"""Oressource rows → Recyclic rows, or a refusal with its reason (pure functions): the
shared context, intake weighings and exit weighings here, tickets in `sales`.

A refused row is never guessed: it is returned as a `Refusal` with what it would have added
to Oressource's figures (so the reconciliation can show it). Ids are derived from the site
and the source id (UUID v5): importing the same row twice can only ever give the same id.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from recyclic.services.imports.mapping import ImportMapping
from recyclic.services.imports.oressource.figures import UNMAPPED
from recyclic.services.imports.oressource.reference import Reference, to_grams
from recyclic.services.imports.text import BrokenText, clean_text
from recyclic.utils.formatting import format_kg

SOURCE = "oressource"
# Fixed namespace of the import's UUID v5 ids (never change it: re-runs rely on it).
NAMESPACE = uuid.UUID("6f0d1c4e-2b1a-5c7e-9a43-0e55a1c0ffee")


def history_user_id(site_id: uuid.UUID) -> uuid.UUID:
    """The site's "Historique Oressource" user: the author of imported rows, never a login."""
    return uuid.uuid5(NAMESPACE, f"{site_id}:utilisateurs:historique")


@dataclass(frozen=True, slots=True)
class Refusal:
    """A source row Recyclic does not accept."""

    table: str
    source_id: int
    reason: str
    detail: str
    year: int | None
    contributions: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    """What converting a row needs to know, fixed for the whole run."""

    site_id: uuid.UUID
    timezone: ZoneInfo
    now: datetime
    mapping: ImportMapping
    reference: Reference
    user_id: uuid.UUID
    vat_rates: dict[str, int]

    def row_id(self, table: str, source_id: object) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.site_id}:{table}:{source_id}")

    def register_id(self, point_id: int) -> uuid.UUID:
        return self.row_id("points_vente", point_id)

    def session_id(self, point_id: int, day: date) -> uuid.UUID:
        return self.row_id("session", f"{point_id}:{day.isoformat()}")

    def instant(self, wall_clock: datetime) -> datetime:
        """A shop's wall-clock time as an aware UTC instant."""
        return wall_clock.replace(tzinfo=self.timezone).astimezone(ZoneInfo("UTC"))

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time(0), tzinfo=self.timezone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.timezone)
        return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def year_of(moment: Any) -> int:
    return moment.year if isinstance(moment, datetime) else 0


def when(ctx: Context, table: str, source_id: int, moment: Any) -> datetime | Refusal:
    """The row's instant, or why its date is refused."""
    if not isinstance(moment, datetime):
        return Refusal(table, source_id, "date_invalide", f"date illisible ({moment})", 0)
    at = ctx.instant(moment)
    if at > ctx.now:
        return Refusal(
            table, source_id, "date_future", f"date dans le futur ({moment:%d/%m/%Y %H:%M})", None
        )
    return at


def comment_text(raw: Any) -> tuple[str | None, bool]:
    """A row's comment, cleaned; BrokenText propagates."""
    cleaned = clean_text(raw)
    return (cleaned.value or None), cleaned.repaired


@dataclass(slots=True)
class Converted:
    """One batch's Recyclic rows (COPY column order) and refusals."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    refusals: list[Refusal] = field(default_factory=list)
    repaired_texts: int = 0
    sessions: dict[uuid.UUID, tuple[int, date]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)

    def refuse(self, refusal: Refusal, contributions: dict[str, list[int]] | None = None) -> None:
        if contributions:
            refusal = Refusal(
                refusal.table,
                refusal.source_id,
                refusal.reason,
                refusal.detail,
                refusal.year,
                contributions,
            )
        self.refusals.append(refusal)


UNREADABLE = ("encodage", "commentaire illisible (encodage latin1/UTF-8)")


def _accept(
    out: Converted, row: Refusal, refusal: tuple[str, str] | None, comment: Any
) -> tuple[bool, str | None]:
    """(accepted, the row's cleaned comment): the row (`row` names it and what it weighs) is
    refused for `refusal`, or for an unreadable comment."""
    try:
        note, repaired = comment_text(comment)
    except BrokenText:
        refusal, note, repaired = refusal or UNREADABLE, None, False
    if refusal:
        out.refuse(Refusal(row.table, row.source_id, *refusal, row.year, row.contributions))
        return False, None
    out.repaired_texts += repaired
    return True, note


DEPOSIT_COLUMNS = (
    "id", "site_id", "status", "description", "category", "quantity", "weight_g",
    "postal_code", "channel", "human_validated", "validation_notes", "created_by",
    "validated_by", "validated_at", "created_at", "updated_at", "imported_from",
)  # fmt: skip


def convert_weighings(ctx: Context, rows: Sequence[tuple[Any, ...]], out: Converted) -> None:
    """Intake weighings → validated deposits."""
    table = "pesees_collectes"
    for source_id, moment, kilograms, type_id, collection, kind, locality, point, comment in rows:
        if collection is None:
            out.refuse(Refusal(table, source_id, "orphelin", "collecte absente", None))
            continue
        grams = to_grams(kilograms)
        code = ctx.mapping.category("type_dechets", type_id)
        if ctx.reference.name("type_dechets", type_id) is None:
            code = None
        stake = {code or UNMAPPED: [grams, 0, 0, 0]}
        year = year_of(moment)
        at = when(ctx, table, source_id, moment)
        if isinstance(at, Refusal):
            out.refuse(Refusal(table, source_id, at.reason, at.detail, year), stake)
            continue
        refusal = None
        if code is None:
            refusal = ("categorie_inconnue", f"type de déchet n° {type_id} inconnu")
        elif grams <= 0:
            refusal = ("poids_invalide", f"poids négatif ou nul ({format_kg(grams)})")
        accepted, note = _accept(
            out, Refusal(table, source_id, "", "", year, stake), refusal, comment
        )
        if not accepted:
            continue
        notes = [f"Importé d'Oressource : pesée n° {source_id}, collecte n° {collection}"]
        place = ctx.reference.name("points_collecte", point)
        if place:
            notes.append(f"point de collecte « {place} »")
        town = ctx.reference.name("localites", locality)
        if town:
            notes.append(f"localité « {town} »")
        if note:
            notes.append(f"commentaire : {note}")
        out.add(
            "deposits",
            (
                ctx.row_id(table, source_id), ctx.site_id, "validated",
                ctx.reference.name("type_dechets", type_id), code, 1, grams,
                ctx.mapping.get("localites", locality),
                ctx.mapping.get("type_collecte", kind) or "drop_off", True, ", ".join(notes),
                ctx.user_id, ctx.user_id, at, at, at, f"{SOURCE}:{table}:{source_id}",
            ),
        )  # fmt: skip


FLOW_COLUMNS = (
    "id", "site_id", "date", "category", "weight_g", "destination", "partner", "document_ref",
    "notes", "created_by", "created_at", "updated_at", "imported_from",
)  # fmt: skip
_PARTNER_TABLE = {
    "sorties": "type_sortie",
    "sortiesc": "conventions_sorties",
    "sortiesr": "filieres_sortie",
}


def _partner(ctx: Context, exit_class: str, refs: tuple[Any, Any, Any], bin_id: int) -> str:
    recycler, convention, kind = refs
    source_id = {"sorties": kind, "sortiesc": convention, "sortiesr": recycler}.get(exit_class)
    if exit_class in _PARTNER_TABLE:
        return ctx.reference.name(_PARTNER_TABLE[exit_class], source_id) or ""
    if exit_class == "sortiesp":
        return f"Poubelles {ctx.reference.name('types_poubelles', bin_id) or ''}".strip()
    return "Déchèterie"


def _exit_category(ctx: Context, type_id: Any, evac_id: Any, bin_id: Any) -> str | None:
    """The category of the first reference set (waste type, evacuation type, bin), None when
    that reference does not exist in its table."""
    for table, source_id in (
        ("type_dechets", type_id),
        ("type_dechets_evac", evac_id),
        ("types_poubelles", bin_id),
    ):
        if source_id:
            if ctx.reference.name(table, source_id) is None:
                return None
            return ctx.mapping.category(table, source_id)
    return None


def convert_exits(ctx: Context, rows: Sequence[tuple[Any, ...]], out: Converted) -> None:
    """Outbound weighings → outbound flows."""
    table = "pesees_sorties"
    for row in rows:
        source_id, moment, kilograms, type_id, evac_id, bin_id, exit_id = row[:7]
        exit_class, recycler, convention, kind, comment = row[7:]
        if exit_id is None:
            out.refuse(Refusal(table, source_id, "orphelin", "sortie absente", None))
            continue
        grams = to_grams(kilograms)
        code = _exit_category(ctx, type_id, evac_id, bin_id)
        stake = {code or UNMAPPED: [0, 0, grams, 0]}
        year = year_of(moment)
        at = when(ctx, table, source_id, moment)
        if isinstance(at, Refusal):
            out.refuse(Refusal(table, source_id, at.reason, at.detail, year), stake)
            continue
        destination = ctx.mapping.destination(exit_class, recycler)
        refusal = None
        if code is None:
            refusal = ("categorie_inconnue", "type de déchet, d'évacuation ou de poubelle inconnu")
        elif destination is None:
            refusal = ("sortie_inconnue", f"type de sortie inconnu ({exit_class})")
        elif grams <= 0:
            refusal = ("poids_invalide", f"poids négatif ou nul ({format_kg(grams)})")
        accepted, note = _accept(
            out, Refusal(table, source_id, "", "", year, stake), refusal, comment
        )
        if not accepted:
            continue
        partner = _partner(ctx, exit_class, (recycler, convention, kind), bin_id)
        out.add(
            "outbound_flows",
            (
                ctx.row_id(table, source_id), ctx.site_id, moment.date(), code, grams,
                destination, partner[:200] or None, f"Oressource sortie n° {exit_id}", note,
                ctx.user_id, at, at, f"{SOURCE}:{table}:{source_id}",
            ),
        )  # fmt: skip


def convert_orphans(
    table: str, rows: Sequence[tuple[Any, ...]], out: Converted, *, parent: str
) -> None:
    """Sale lines without their ticket, sale weighings without their line."""
    for source_id, parent_id in rows:
        detail = f"{parent} n° {parent_id} absente" if table == "vendus" else f"{parent} absente"
        out.refuse(Refusal(table, int(source_id), "orphelin", detail, None))
