"""The mapping file (YAML or CSV) and the proposal made for the admin to correct."""

from __future__ import annotations

from pathlib import Path

import pytest

from recyclic.services.imports.mapping import MappingError, load_mapping
from recyclic.services.imports.oressource.proposal import (
    propose_category,
    propose_channel,
    propose_payment,
    propose_postal_code,
    propose_recycler,
)

CATEGORIES = {"MOB", "EEE-4", "EEE-5", "EEE-6", "TLC", "DIV"}


def test_yaml_and_csv_files_say_the_same(tmp_path: Path) -> None:
    yaml_file = tmp_path / "c.yaml"
    yaml_file.write_text(
        "type_dechets:\n  1: mob\n  2: EEE-6\n  3:\nmoyens_paiement:\n  1: cash\n"
        "classes_sorties:\n  sortiesr: eco_organism\nlocalites:\n  4: '14000'\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "table;id;code\ntype_dechets;1;MOB\ntype_dechets;2;EEE-6\nmoyens_paiement;1;cash\n"
        "classes_sorties;sortiesr;eco_organism\nlocalites;4;14000\n",
        encoding="utf-8",
    )
    from_yaml, from_csv = load_mapping(yaml_file, CATEGORIES), load_mapping(csv_file, CATEGORIES)
    assert from_yaml.entries == from_csv.entries
    assert from_yaml.category("type_dechets", 1) == "MOB"
    assert from_yaml.category("type_dechets", 3) is None  # left blank: not mapped yet
    assert from_yaml.destination("sortiesr", 7) == "eco_organism"
    assert from_yaml.destination("sortiesd", None) == "dechetterie"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("type_dechets:\n  1: XYZ\n", "« XYZ » n'est pas accepté"),
        ("moyens_paiement:\n  1: bitcoin\n", "« bitcoin » n'est pas accepté"),
        ("localites:\n  1: Caen\n", "code postal à 5 chiffres"),
        ("inconnue:\n  1: MOB\n", "section inconnue"),
        ("type_dechets:\n  un: MOB\n", "n'est pas un identifiant"),
        ("type_dechets: [\n", "YAML invalide"),
    ],
)
def test_a_wrong_mapping_file_says_what_is_wrong(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError) as error:
        load_mapping(path, CATEGORIES)
    assert message in error.value.message


def test_the_proposal_reads_the_names_of_the_shop() -> None:
    assert propose_category("informatique", CATEGORIES)[0] == "EEE-6"
    assert propose_category("Mobilier", CATEGORIES) == ("MOB", 87)
    assert propose_category("deee", CATEGORIES)[1] < 60  # unsure: flagged for the admin
    assert propose_payment("Espèces") == "cash"
    assert propose_payment("Chèque") == "check"
    assert propose_payment("CB") == "card"
    assert propose_payment("Monnaie locale (la Pêche)") == "local_currency"
    assert propose_payment("Troc") is None
    assert propose_channel("Collecte à domicile") == "pickup"
    assert propose_channel("Apport volontaire") == "drop_off"
    assert propose_postal_code("Caen 14000") == "14000"
    assert propose_recycler("Eco-systèmes") == "eco_organism"
    assert propose_recycler("Ferrailleur du coin") == "recycler"
