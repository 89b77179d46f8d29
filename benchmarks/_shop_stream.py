"""A synthetic shop's stream of deposits, for the learning benchmarks.

Three deposits in four come from the labelled sets (words the lexicon knows); the fourth uses
the shop's own words — regional names, brands the lexicon lacks, what the speech recogniser
always writes for a word, the shop's own crates — in varied sentences. A simulated volunteer
validates each proposal, correcting the wrong ones, and gets 2 % of validations wrong.
"""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from recyclic.services.ai.local_classifier.lexicon import CATEGORY_CODES

ROOT = Path(__file__).resolve().parents[1]
LABELLED_SETS = [
    ROOT / "tests" / "data" / name
    for name in (
        "classification-dev.csv",
        "classification-extra.csv",
        "classification-counting.csv",
    )
]

# (article, word, category): what this shop says, and where the shop files it.
SHOP_WORDS = (
    ("un", "clique clac", "MOB"),  # the recogniser's "clic-clac"
    ("un", "click clack", "MOB"),
    ("un", "Stressless", "MOB"),
    ("une", "Tripp Trapp", "MOB"),
    ("un", "bonheur du jour", "MOB"),
    ("une", "psyché", "MOB"),  # the shop files standing mirrors with furniture
    ("une", "wassingue", "DIV"),  # northern word for a floor cloth
    ("une", "panosse", "DIV"),  # Savoyard word for the same
    ("une", "caisse orange", "TLC"),  # the shop's crate for clothes
    ("un", "cadis", "DIV"),
    ("une", "Bugaboo", "DIV"),
    ("une", "Trunki", "DIV"),
    ("un", "pochon", "DIV"),
    ("un", "schlass", "VAI"),
    ("un", "tian", "VAI"),
    ("un", "toupin", "VAI"),  # a Savoyard pot, not a spinning top
    ("un", "bac bleu", "VAI"),  # the shop's crate for dishes
    ("un", "Companion", "EEE-5"),
    ("un", "Monsieur Cuisine", "EEE-5"),
    ("un", "Roomba", "EEE-5"),
    ("une", "loupiote", "EEE-5"),
    ("un", "chauffeau", "EEE-4"),  # the recogniser's "chauffe-eau"
    ("une", "otte", "EEE-4"),  # the recogniser's "hotte"
    ("un", "Weber", "BRI"),
    ("une", "servante", "BRI"),
    ("un", "bac jaune", "LIV"),  # the shop's crate for books
)
TEMPLATES = (
    "{a} {w}",
    "{a} {w}, {k} kilos",
    "euh {a} {w} en bon état",
    "alors {a} {w} du grenier",
    "{a} {w} qui sert encore",
    "{w} à donner, environ {k} kg",
    "{a} {w} de couleur bleue",
    "voilà {a} {w}",
)
# What people add to a description: a long history says the same things in many ways.
QUALIFIERS = (
    "en bon état",
    "un peu abîmé",
    "comme neuf",
    "qui marche",
    "à réparer",
    "très propre",
    "du grenier",
    "de la cave",
    "du garage",
    "de chez mamie",
    "d'un déménagement",
    "d'une succession",
    "de la voisine",
    "pour la boutique",
    "à nettoyer",
    "sans notice",
    "avec le carton",
    "couleur bois",
    "couleur gris",
    "couleur crème",
    "noir",
    "blanc",
    "rouge",
    "vert",
    "bleu marine",
    "en pin",
    "en chêne",
    "en plastique",
    "en métal",
    "en verre",
    "années 80",
    "années 70",
    "style scandinave",
    "style rustique",
    "vintage",
    "récent",
    "ancien",
    "grand modèle",
    "petit modèle",
    "taille moyenne",
    "rayé",
    "légèrement taché",
    "complet",
    "incomplet",
    "déjà trié",
    "pour pièces",
    "fragile",
)
SHOP_SHARE = 0.25
MISTAKE_RATE = 0.02
DEPOSITS_PER_DAY = 20


@dataclass(frozen=True)
class Deposit:
    text: str
    category: str
    shop_word: bool
    at: datetime


def labelled_texts() -> list[tuple[str, str]]:
    """(text, category) of every labelled set."""
    rows: list[tuple[str, str]] = []
    for path in LABELLED_SETS:
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend((row["text"], row["category"]) for row in csv.DictReader(handle))
    return rows


def stream(
    count: int, seed: int = 17, start: datetime | None = None, per_day: int = DEPOSITS_PER_DAY
) -> Iterator[Deposit]:
    """`count` deposits in the order they arrive, `per_day` a day."""
    rng = random.Random(seed)
    labelled = labelled_texts()
    # Some shop words come back far more often than others (Zipf-like).
    weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(SHOP_WORDS))]
    start = start or datetime(2026, 1, 5, 9, tzinfo=UTC)
    for index in range(count):
        at = start + timedelta(days=index / per_day)
        if rng.random() < SHOP_SHARE:
            article, word, category = rng.choices(SHOP_WORDS, weights)[0]
            template = rng.choice(TEMPLATES)
            text = template.format(a=article, w=word, k=rng.randint(2, 40))
            yield Deposit(text, category, True, at)
        else:
            text, category = rng.choice(labelled)
            yield Deposit(text, category, False, at)


def varied(text: str, rng: random.Random) -> str:
    """The same deposit told another way: one or two qualifiers added, or none."""
    extra = rng.choice((0, 1, 1, 2))
    if not extra:
        return text
    return ", ".join([text, *rng.sample(QUALIFIERS, extra)])


def volunteer_choice(proposed: str, truth: str, rng: random.Random) -> str:
    """What the simulated volunteer validates: the truth, except for rare mistakes."""
    if rng.random() < MISTAKE_RATE:
        return rng.choice([code for code in CATEGORY_CODES if code != truth])
    return truth


def new_id() -> uuid.UUID:
    return uuid.uuid4()
