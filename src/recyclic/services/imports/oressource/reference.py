"""Oressource's reference tables (types, objects, payment methods, places…), names cleaned."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from recyclic.services.imports.oressource.source import OressourceSource
from recyclic.services.imports.text import BrokenText, clean_text

NAMED_TABLES = (
    "type_dechets",
    "grille_objets",
    "type_dechets_evac",
    "types_poubelles",
    "moyens_paiement",
    "type_collecte",
    "localites",
    "points_collecte",
    "points_vente",
    "type_sortie",
    "conventions_sorties",
    "filieres_sortie",
)


@dataclass(frozen=True, slots=True)
class TextNote:
    """A text that was repaired (decoded twice in the source) or could not be read."""

    table: str
    source_id: int
    before: str
    after: str | None


@dataclass(slots=True)
class Reference:
    names: dict[str, dict[int, str]] = field(default_factory=dict)
    object_types: dict[int, int] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    shop_name: str | None = None
    repaired: list[TextNote] = field(default_factory=list)
    unreadable: list[TextNote] = field(default_factory=list)

    def name(self, table: str, source_id: int | None) -> str | None:
        """The entry's name; None when the id does not exist in that table."""
        if source_id is None:
            return None
        return self.names.get(table, {}).get(source_id)

    def note_text(self, table: str, source_id: int, raw: Any) -> str:
        """A reference name, cleaned and its repair noted; BrokenText when unreadable."""
        cleaned = clean_text(raw)
        if cleaned.repaired:
            self.repaired.append(TextNote(table, source_id, str(raw), cleaned.value))
        return cleaned.value


def load_reference(source: OressourceSource) -> Reference:
    """Every reference table of the source; an unreadable name becomes "<table> n° <id>"."""
    reference = Reference()
    for table in NAMED_TABLES:
        if table == "grille_objets":
            objects = source.objects()
            reference.object_types = {source_id: type_id for source_id, _, type_id in objects}
            rows = [(source_id, raw) for source_id, raw, _ in objects]
        else:
            rows = source.names(table)
        names: dict[int, str] = {}
        for source_id, raw in rows:
            try:
                names[source_id] = (
                    reference.note_text(table, source_id, raw) or f"{table} n° {source_id}"
                )
            except BrokenText:
                reference.unreadable.append(TextNote(table, source_id, str(raw), None))
                names[source_id] = f"{table} n° {source_id}"
        reference.names[table] = names
    for first, last, mail in source.users():
        person = " ".join(_readable(part) for part in (first, last) if part)
        reference.users.append(f"{person} <{_readable(mail)}>" if mail else person)
    shop = source.shop_name()
    reference.shop_name = _readable(shop) if shop else None
    return reference


def _readable(raw: Any) -> str:
    try:
        return clean_text(raw).value
    except BrokenText:
        return "(illisible)"


def to_grams(kilograms: Any) -> int:
    """Oressource's kilograms (DECIMAL with 3 places, or older integer/float columns) in
    grams, rounded half up to the gram."""
    value = kilograms if isinstance(kilograms, Decimal) else Decimal(str(kilograms))
    return int((value * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_cents(euros: Any) -> int:
    """Oressource's euros (DECIMAL with 2 places) in cents, rounded half up to the cent."""
    value = euros if isinstance(euros, Decimal) else Decimal(str(euros))
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
