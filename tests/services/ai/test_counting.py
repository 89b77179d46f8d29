"""Counting like a person listening: restatements, enumerated members, restated plurals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from recyclic.services.ai.local_classifier import classify_text

COUNTING_SET = Path(__file__).parents[2] / "data" / "classification-counting.csv"


def quantity(text: str) -> int | None:
    return classify_text(text).quantity


@pytest.mark.parametrize(
    "text",
    [
        "une chaise, une chaise de bureau",
        "un téléphone portable, un Nokia",
        "un frigo, un petit frigo Bosch",
        "une cafetière, une Senseo",
        "un jeu de société, un Monopoly",
        "une commode, un meuble en chêne massif",
        "une lampe, une petite",
    ],
)
def test_the_same_thing_named_twice_is_one(text: str) -> None:
    assert quantity(text) == 1


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("une chaise et une chaise de bureau", 2),  # "et" adds
        ("un vélo adulte, un vélo enfant", 2),  # two different bikes
        ("une lampe rouge, une lampe bleue", 2),
        ("une chaise, une autre chaise en bois", 2),
        ("un frigo, un congélateur", 2),
        ("un frigo, un micro-ondes Samsung", 2),
        ("une machine à laver, une machine à coudre", 2),
        ("deux chaises, deux tabourets", 4),
        ("deux chaises, trois chaises de jardin", 5),  # more chairs, not members
    ],
)
def test_different_things_still_add_up(text: str, count: int) -> None:
    assert quantity(text) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("trois lampes, une rouge et deux blanches", 3),
        ("deux matelas, un de 90 et un de 140", 2),
        ("quatre chaises, deux en bois et deux en métal", 4),
        ("deux aspirateurs, un Dyson et un Rowenta", 2),
        ("trois lampes, une lampe de chevet et deux lampes de bureau", 3),
        ("cinq livres, trois romans policiers et deux BD", 5),
        ("trois tables de chevet, dont une sans tiroir", 3),
        ("six verres dont deux ébréchés", 6),
    ],
)
def test_members_of_a_counted_plural_keep_its_count(text: str, count: int) -> None:
    assert quantity(text) == count


def test_members_of_an_uncounted_plural_give_its_count() -> None:
    assert quantity("des lampes, une rouge et deux blanches") == 3
    assert quantity("des assiettes, six plates et six creuses") == 12
    assert quantity("des jouets, une poupée et deux peluches") == 3
    # One example of a kind is not the whole lot.
    assert quantity("des livres, un dictionnaire") is None


def test_a_noun_left_out_after_et_is_another_group() -> None:
    assert quantity("deux matelas de 90 et un de 140") == 3
    assert quantity("des chemises, trois chemises d'homme et deux de femme") == 5


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("des verres, six verres à pied", 6),
        ("des chaises, quatre chaises de jardin", 4),
        ("des livres, une trentaine de livres de poche", 30),
        ("des verres à vin, six verres", 6),
        ("six verres, des verres à pied", 6),
        ("des tasses, huit tasses avec leurs soucoupes", 8),
    ],
)
def test_a_plural_restated_with_its_count_takes_it(text: str, count: int) -> None:
    assert quantity(text) == count


def test_a_plural_restated_without_a_count_still_has_none() -> None:
    assert quantity("des chaises, des chaises de jardin en plastique") is None


def test_feature_nouns_still_measure_the_item_named_before() -> None:
    assert quantity("une cafetière huit tasses") == 1


def test_counting_set_is_exact() -> None:
    with COUNTING_SET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 100
    misses = []
    for row in rows:
        result = classify_text(row["text"])
        wanted = int(row["quantity"]) if row["quantity"] else None
        grams = round(float(row["weight_kg"]) * 1000) if row["weight_kg"] else None
        if (result.category, result.quantity, result.weight_grams) != (
            row["category"],
            wanted,
            grams,
        ):
            misses.append(row["text"])
    # One known miss: a restatement by a narrower noun ("un pantalon, un jean").
    assert len(misses) <= len(rows) // 50, misses
