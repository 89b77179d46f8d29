"""The mapping file: which Recyclic code each of the source's free-form entries becomes.

YAML (one section per source table, `id: code`) or CSV (`table,id,code` per line). Sections:
categories (`type_dechets`, `grille_objets`, `type_dechets_evac`, `types_poubelles`),
payment methods (`moyens_paiement`), collection types → channels (`type_collecte`),
localities → postal codes (`localites`), exit kinds → destinations (`classes_sorties`,
`filieres_sortie`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recyclic.core.exceptions import InvalidInput
from recyclic.models.deposit import Channel
from recyclic.models.outbound_flow import OutboundDestination

CATEGORY_TABLES = ("type_dechets", "grille_objets", "type_dechets_evac", "types_poubelles")
PAYMENT_METHODS = ("cash", "card", "check", "transfer", "voucher", "local_currency", "gift_card")
SECTIONS = (
    *CATEGORY_TABLES,
    "moyens_paiement",
    "type_collecte",
    "localites",
    "classes_sorties",
    "filieres_sortie",
)
# Oressource's exit screens: gifts, partner agreements, recyclers, déchèterie, bins.
EXIT_CLASSES: dict[str, str] = {
    "sorties": OutboundDestination.DONATION.value,
    "sortiesc": OutboundDestination.DONATION.value,
    "sortiesr": OutboundDestination.RECYCLER.value,
    "sortiesd": OutboundDestination.DECHETTERIE.value,
    "sortiesp": OutboundDestination.DECHETTERIE.value,
}
_POSTAL_CODE = re.compile(r"^\d{5}$")


class MappingError(InvalidInput):
    code = "invalid_import_mapping"


@dataclass(slots=True)
class ImportMapping:
    """Source id → Recyclic value, per section; `classes_sorties` is keyed by class name."""

    entries: dict[str, dict[Any, str]] = field(
        default_factory=lambda: {section: {} for section in SECTIONS}
    )

    def get(self, section: str, key: Any) -> str | None:
        return self.entries[section].get(key)

    def category(self, table: str, source_id: int | None) -> str | None:
        """The Recyclic category of a type, object, evacuation type or bin, if mapped."""
        if not source_id:
            return None
        return self.entries[table].get(source_id)

    def line_category(self, type_id: int, object_id: int | None) -> str | None:
        """A sale line's category: its object's own mapping first, else its type's."""
        return self.category("grille_objets", object_id) or self.category("type_dechets", type_id)

    def exit_category(
        self, type_id: int | None, evac_id: int | None, bin_id: int | None
    ) -> str | None:
        """An outbound weighing's category: by waste type, else evacuation type, else bin."""
        if type_id:
            return self.category("type_dechets", type_id)
        if evac_id:
            return self.category("type_dechets_evac", evac_id)
        if bin_id:
            return self.category("types_poubelles", bin_id)
        return None

    def destination(self, exit_class: str | None, recycler_id: int | None) -> str | None:
        """Where an exit went: a recycler's own mapping (eco-organism or recycler) first."""
        if (
            exit_class == "sortiesr"
            and recycler_id
            and recycler_id in self.entries["filieres_sortie"]
        ):
            return self.entries["filieres_sortie"][recycler_id]
        if exit_class is None:
            return None
        return self.entries["classes_sorties"].get(exit_class, EXIT_CLASSES.get(exit_class))

    def merged_with(self, other: ImportMapping) -> ImportMapping:
        """This mapping, completed by `other` where it says nothing."""
        merged = ImportMapping()
        for section in SECTIONS:
            merged.entries[section] = {**other.entries[section], **self.entries[section]}
        return merged


def load_mapping(path: Path, categories: Collection[str]) -> ImportMapping:
    """Read and check a YAML or CSV mapping file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError(
            f"Fichier de correspondances illisible : {path} ({exc.strerror})."
        ) from None
    raw = _from_csv(text) if path.suffix.lower() == ".csv" else _from_yaml(text)
    return check_mapping(raw, categories)


def _from_yaml(text: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"Fichier de correspondances : YAML invalide ({exc}).") from None
    if not isinstance(data, dict):
        raise MappingError("Fichier de correspondances : une section par table attendue.")
    return data


def _from_csv(text: str) -> dict[str, Any]:
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    data: dict[str, dict[str, str]] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if not row or row[0].strip().startswith("#") or row[0].strip() == "table":
            continue
        if len(row) < 3:
            raise MappingError(f"Fichier de correspondances, ligne {number} : table, id, code.")
        data.setdefault(row[0].strip(), {})[row[1].strip()] = row[2].strip()
    return data


def check_mapping(raw: MappingType[str, Any], categories: Collection[str]) -> ImportMapping:
    """Every section known, every key an id, every value a code Recyclic accepts."""
    mapping = ImportMapping()
    allowed = {
        **{table: set(categories) for table in CATEGORY_TABLES},
        "moyens_paiement": set(PAYMENT_METHODS),
        "type_collecte": {c.value for c in Channel},
        "classes_sorties": {d.value for d in OutboundDestination},
        "filieres_sortie": {
            OutboundDestination.ECO_ORGANISM.value,
            OutboundDestination.RECYCLER.value,
        },
    }
    for section, values in raw.items():
        if section not in SECTIONS:
            raise MappingError(f"Fichier de correspondances : section inconnue « {section} ».")
        if values is None:
            continue
        if not isinstance(values, dict):
            raise MappingError(f"Fichier de correspondances : « {section} » attend « id: code ».")
        for key, value in values.items():
            if value is None or str(value).strip() == "":
                continue  # left blank: not mapped yet
            mapping.entries[section][_key(section, key)] = _value(section, key, value, allowed)
    return mapping


def _key(section: str, key: Any) -> Any:
    if section == "classes_sorties":
        if str(key) not in EXIT_CLASSES:
            raise MappingError(
                f"classes_sorties : classe inconnue « {key} » ({', '.join(EXIT_CLASSES)})."
            )
        return str(key)
    try:
        return int(str(key))
    except ValueError:
        raise MappingError(f"{section} : « {key} » n'est pas un identifiant Oressource.") from None


def _value(section: str, key: Any, value: Any, allowed: dict[str, set[str]]) -> str:
    text = str(value).strip()
    if section in CATEGORY_TABLES:
        text = text.upper()
    if section == "localites":
        if not _POSTAL_CODE.match(text):
            raise MappingError(f"localites, {key} : code postal à 5 chiffres attendu (« {text} »).")
        return text
    if text not in allowed[section]:
        raise MappingError(
            f"{section}, {key} : « {text} » n'est pas accepté "
            f"(attendu : {', '.join(sorted(allowed[section]))})."
        )
    return text
