"""Oressource's own figures, summed by MariaDB as its reports do, then laid out per year and
per Recyclic category (the reconciliation) or per source entry (the dry run's stakes).

Definitions (the ones Oressource's reports use): kilograms in = weighings of existing
collections; takings = the lines of existing tickets, a lot's price once and otherwise price
× quantity, less refunds (refunded price × quantity); kilograms sold = the till's weighings
of those lines; kilograms out = weighings of existing exits. Years are those of the
weighing's date, and of the ticket's date for sales.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from recyclic.services.imports.mapping import ImportMapping
from recyclic.services.imports.oressource.reference import to_cents, to_grams
from recyclic.services.imports.oressource.source import OressourceSource

UNMAPPED = "?"
KG_IN, KG_SOLD, KG_OUT, CENTS = range(4)


def new_totals() -> list[int]:
    """[grams in, grams sold, grams out, cents]."""
    return [0, 0, 0, 0]


@dataclass(slots=True)
class SourceFigures:
    """The aggregated rows, as read (a few thousand at most, whatever the history)."""

    intake: list[tuple[int, int, int, int]] = field(default_factory=list)
    sales: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    sold: list[tuple[int, int, int, int]] = field(default_factory=list)
    exits: list[tuple[int, int, int, int, str, int, int]] = field(default_factory=list)
    payments: list[tuple[int, int, int]] = field(default_factory=list)
    collections: list[tuple[int, int, int]] = field(default_factory=list)

    @classmethod
    def load(cls, source: OressourceSource) -> SourceFigures:
        def year(value: Any) -> int:
            return int(value or 0)

        return cls(
            intake=[
                (year(y), int(t), to_grams(kg), int(n)) for y, t, kg, n in source.intake_totals()
            ],
            sales=[
                (year(y), int(t), int(o), to_cents(eur), int(n))
                for y, t, o, eur, n in source.sale_totals()
            ],
            sold=[
                (year(y), int(t), int(o), to_grams(kg))
                for y, t, o, kg in source.sold_weight_totals()
            ],
            exits=[
                (year(y), int(t), int(e), int(b), str(c or ""), int(f), to_grams(kg))
                for y, t, e, b, c, f, kg in source.exit_totals()
            ],
            payments=[(int(m), int(n), to_cents(eur)) for m, n, eur in source.payment_totals()],
            collections=[
                (int(t or 0), int(loc or 0), to_grams(kg))
                for t, loc, kg in source.collection_totals()
            ],
        )

    def by_year_and_category(self, mapping: ImportMapping) -> dict[tuple[int, str], list[int]]:
        """(year, category code or "?") → [grams in, grams sold, grams out, cents]."""
        result: dict[tuple[int, str], list[int]] = defaultdict(new_totals)
        for y, type_id, grams, _ in self.intake:
            result[y, mapping.category("type_dechets", type_id) or UNMAPPED][KG_IN] += grams
        for y, type_id, object_id, cents, _ in self.sales:
            result[y, mapping.line_category(type_id, object_id) or UNMAPPED][CENTS] += cents
        for y, type_id, object_id, grams in self.sold:
            result[y, mapping.line_category(type_id, object_id) or UNMAPPED][KG_SOLD] += grams
        for y, type_id, evac_id, bin_id, _, _, grams in self.exits:
            result[y, mapping.exit_category(type_id, evac_id, bin_id) or UNMAPPED][KG_OUT] += grams
        return dict(result)

    def stakes(self) -> dict[tuple[str, Any], list[int]]:
        """(section, source id) → [grams in, grams sold, grams out, cents], all years."""
        result: dict[tuple[str, Any], list[int]] = defaultdict(new_totals)
        for _, type_id, grams, _ in self.intake:
            result["type_dechets", type_id][KG_IN] += grams
        for _, type_id, object_id, cents, _ in self.sales:
            result["type_dechets", type_id][CENTS] += cents
            if object_id:
                result["grille_objets", object_id][CENTS] += cents
        for _, type_id, object_id, grams in self.sold:
            result["type_dechets", type_id][KG_SOLD] += grams
            if object_id:
                result["grille_objets", object_id][KG_SOLD] += grams
        for _, type_id, evac_id, bin_id, exit_class, recycler_id, grams in self.exits:
            if type_id:
                result["type_dechets", type_id][KG_OUT] += grams
            elif evac_id:
                result["type_dechets_evac", evac_id][KG_OUT] += grams
            elif bin_id:
                result["types_poubelles", bin_id][KG_OUT] += grams
            result["classes_sorties", exit_class][KG_OUT] += grams
            if exit_class == "sortiesr" and recycler_id:
                result["filieres_sortie", recycler_id][KG_OUT] += grams
        for method_id, _, cents in self.payments:
            result["moyens_paiement", method_id][CENTS] += cents
        for collection_type, locality, grams in self.collections:
            result["type_collecte", collection_type][KG_IN] += grams
            result["localites", locality][KG_IN] += grams
        return dict(result)

    def used(self) -> set[tuple[str, Any]]:
        """The source entries the history actually uses (those the mapping must cover)."""
        return set(self.stakes())
