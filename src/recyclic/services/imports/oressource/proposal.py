"""A proposed mapping for a shop's Oressource entries, for its admin to correct.

Categories come from the offline classifier run on each entry's name ("informatique" →
EEE-6, "mobilier" → MOB) with its confidence; payment methods, collection types, localities
and recyclers from plain rules on their names. Only entries the history uses are proposed,
each with the kilograms and takings at stake.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from recyclic.services.ai.local_classifier import classify_text
from recyclic.services.imports.mapping import (
    CATEGORY_TABLES,
    EXIT_CLASSES,
    SECTIONS,
    ImportMapping,
)
from recyclic.services.imports.oressource.figures import new_totals
from recyclic.services.imports.oressource.reference import Reference
from recyclic.utils.formatting import format_euros, format_kg

# Below this confidence, a proposed category is flagged for the admin's eye.
CONFIDENT = 60
_PAYMENT_RULES = (
    ("espece", "cash"),
    ("liquide", "cash"),
    ("cheque", "check"),
    ("carte", "card"),
    ("cb", "card"),
    ("virement", "transfer"),
    ("bon", "voucher"),
    ("avoir", "voucher"),
    ("monnaie locale", "local_currency"),
    ("cadeau", "gift_card"),
)
_PICKUP = ("domicile", "enlevement", "tournee", "ramassage", "camion", "debarras")
_COLLECTION_POINT = ("immeuble", "point", "borne", "dechet", "brocante", "evenement", "conteneur")
_ECO_ORGANISMS = (
    "ecologic", "ecosystem", "eco-systemes", "eco systemes", "ecomaison", "eco-mobilier",
    "ecomobilier", "refashion", "eco tlc", "ecotlc", "citeo", "valdelia", "corepile",
    "batribox", "soren", "screlec", "ecodds", "aliapur",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProposedEntry:
    section: str
    source_id: Any
    name: str
    value: str | None  # None: nothing proposed, the admin must say
    origin: str  # "fichier", "proposé", "à compléter"
    confidence: int | None
    stakes: list[int]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def propose_category(name: str, categories: Collection[str]) -> tuple[str, int]:
    """The classifier's category for an entry's name, and its confidence."""
    result = classify_text(name, allowed=categories)
    return result.category, result.confidence


def propose_payment(name: str) -> str | None:
    folded = _folded(name)
    for needle, method in _PAYMENT_RULES:
        if re.search(rf"\b{re.escape(needle)}", folded):
            return method
    return None


def propose_channel(name: str) -> str:
    folded = _folded(name)
    if any(word in folded for word in _PICKUP):
        return "pickup"
    if any(word in folded for word in _COLLECTION_POINT):
        return "collection_point"
    return "drop_off"


def propose_postal_code(name: str) -> str | None:
    found = re.search(r"\b(\d{5})\b", name)
    return found.group(1) if found else None


def propose_recycler(name: str) -> str:
    folded = _folded(name)
    return "eco_organism" if any(word in folded for word in _ECO_ORGANISMS) else "recycler"


def build_proposal(
    reference: Reference,
    stakes: dict[tuple[str, Any], list[int]],
    categories: Collection[str],
    given: ImportMapping,
) -> list[ProposedEntry]:
    """One entry per source entry the history uses: the file's value, else a proposal."""
    entries: list[ProposedEntry] = []
    used = sorted(
        (
            key
            for key in stakes
            if key[0] == "classes_sorties" or reference.name(key[0], key[1]) is not None
        ),
        key=lambda key: (SECTIONS.index(key[0]), str(key[1]).zfill(12)),
    )
    type_codes: dict[int, str] = {}
    for section, source_id in used:
        if section == "grille_objets" or not source_id:
            continue
        entries.append(_entry(section, source_id, reference, stakes, categories, given, type_codes))
    for section, source_id in used:
        if section != "grille_objets" or not source_id:
            continue
        entry = _entry(section, source_id, reference, stakes, categories, given, type_codes)
        parent = type_codes.get(reference.object_types.get(source_id, 0))
        # An object is only worth a line of its own when it leaves its type's category.
        if entry.origin == "fichier" or (entry.value and entry.value != parent):
            entries.append(entry)
    return entries


def _entry(
    section: str,
    source_id: Any,
    reference: Reference,
    stakes: dict[tuple[str, Any], list[int]],
    categories: Collection[str],
    given: ImportMapping,
    type_codes: dict[int, str],
) -> ProposedEntry:
    name = (
        reference.name(section, source_id) if section != "classes_sorties" else str(source_id)
    ) or f"{section} n° {source_id}"
    at_stake = stakes.get((section, source_id), new_totals())
    value, origin, confidence = given.get(section, source_id), "fichier", None
    if value is None:
        value, confidence = _propose(section, source_id, name, categories)
        origin = "proposé" if value else "à compléter"
    if section == "type_dechets" and value:
        type_codes[source_id] = value
    return ProposedEntry(section, source_id, name, value, origin, confidence, at_stake)


def _propose(
    section: str, source_id: Any, name: str, categories: Collection[str]
) -> tuple[str | None, int | None]:
    if section in CATEGORY_TABLES:
        code, confidence = propose_category(name, categories)
        return code, confidence
    if section == "moyens_paiement":
        return propose_payment(name), None
    if section == "type_collecte":
        return propose_channel(name), None
    if section == "localites":
        return propose_postal_code(name), None
    if section == "classes_sorties":
        return EXIT_CLASSES.get(str(source_id)), None
    if section == "filieres_sortie":
        return propose_recycler(name), None
    return None, None


def proposal_mapping(entries: list[ProposedEntry]) -> ImportMapping:
    """The mapping the proposal amounts to (file values and proposals)."""
    mapping = ImportMapping()
    for entry in entries:
        if entry.value is not None:
            mapping.entries[entry.section][entry.source_id] = entry.value
    return mapping


REQUIRED_SECTIONS = (*CATEGORY_TABLES, "moyens_paiement")
_HEADINGS = {
    "type_dechets": "Types de déchets (pesées, ventes, sorties) → catégorie Recyclic",
    "grille_objets": "Objets de la grille de prix vendus dans une autre catégorie que leur type",
    "type_dechets_evac": "Types de déchets évacués (sorties recyclage, déchèterie) → catégorie",
    "types_poubelles": "Types de poubelles → catégorie",
    "moyens_paiement": "Moyens de paiement → cash, card, check, transfer, voucher, "
    "local_currency, gift_card",
    "type_collecte": "Types de collecte → drop_off (apport), pickup (enlèvement), "
    "collection_point (point de collecte)",
    "localites": "Localités → code postal d'origine (facultatif)",
    "classes_sorties": "Écrans de sortie → eco_organism, recycler, dechetterie, donation",
    "filieres_sortie": "Filières de recyclage → eco_organism ou recycler",
}


def describe_stakes(totals: list[int]) -> str:
    """'entrés 12,5 kg, vendus 3 kg, 45,00 €' — only what is not zero."""
    parts = []
    for label, grams in (("entrés", totals[0]), ("vendus", totals[1]), ("sortis", totals[2])):
        if grams:
            parts.append(f"{label} {format_kg(grams)}")
    if totals[3]:
        parts.append(format_euros(totals[3]))
    return ", ".join(parts) or "rien"


def describe_origin(entry: ProposedEntry) -> str:
    if entry.origin == "proposé" and entry.confidence is not None:
        flag = "" if entry.confidence >= CONFIDENT else ", à vérifier"
        return f"proposé (confiance {entry.confidence} %{flag})"
    return entry.origin


def render_mapping_file(entries: list[ProposedEntry], categories: Collection[str]) -> str:
    """The proposal as a YAML mapping file, each line commented with its name and stakes."""
    out = [
        "# Correspondances Oressource → Recyclic (recyclic import oressource --dry-run).",
        "# Vérifiez chaque ligne, surtout « à vérifier » et « à compléter », corrigez le code,",
        "# puis relancez l'import avec --mapping ce-fichier.",
        f"# Catégories Recyclic : {', '.join(sorted(categories))}.",
    ]
    for section in SECTIONS:
        rows = [e for e in entries if e.section == section]
        if not rows:
            continue
        out += ["", f"# {_HEADINGS[section]}", f"{section}:"]
        for entry in rows:
            value = entry.value or ""
            name = entry.name.replace("\n", " ")
            out.append(
                f"  {entry.source_id}: {value}".rstrip()
                + f"  # {name} — {describe_stakes(entry.stakes)} — {describe_origin(entry)}"
            )
    return "\n".join(out) + "\n"
