"""P5 benchmark: throughput and accuracy of the offline classifier on one core.

Classifies every line of the development set 100 times and prints `name: value unit` lines.
`--database-url` is accepted for uniformity with the other benchmarks and ignored.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from recyclic.services.ai.local_classifier import classify_text
from recyclic.services.ai.local_classifier.lexicon import get_lexicon

DEV_SET = ROOT / "tests" / "data" / "classification-dev.csv"
EXTRA_SET = ROOT / "tests" / "data" / "classification-extra.csv"
REPEATS = 100
RUNS = 5


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    quantity: int | None
    weight_grams: int | None


def load(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(
                row["text"],
                row["category"],
                int(row["quantity"]) if row["quantity"] else None,
                round(float(row["weight_kg"]) * 1000) if row["weight_kg"] else None,
            )
            for row in csv.DictReader(handle)
        ]


def throughput(texts: list[str]) -> float:
    """Texts per second classifying `texts` REPEATS times (median of RUNS runs)."""
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(REPEATS):
            for text in texts:
                classify_text(text)
        rates.append(len(texts) * REPEATS / (time.perf_counter() - started))
    return statistics.median(rates)


def accuracies(examples: list[Example]) -> tuple[float, float, float]:
    """Category, quantity (nulls included) and weight (where given) accuracy in percent."""
    results = [classify_text(e.text) for e in examples]
    pairs = list(zip(results, examples, strict=True))
    category = sum(r.category == e.category for r, e in pairs) / len(pairs)
    quantity = sum(r.quantity == e.quantity for r, e in pairs) / len(pairs)
    weighed = [(r, e) for r, e in pairs if e.weight_grams is not None]
    weight = sum(r.weight_grams == e.weight_grams for r, e in weighed) / max(len(weighed), 1)
    return 100 * category, 100 * quantity, 100 * weight


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None, help="ignored (no database used)")
    parser.parse_args()

    started = time.perf_counter()
    get_lexicon()
    classify_text("un frigo")  # builds the matcher too
    build_ms = (time.perf_counter() - started) * 1000

    dev = load(DEV_SET)
    extra = load(EXTRA_SET)
    rate = throughput([e.text for e in dev])
    category, quantity, weight = accuracies(dev)
    extra_category, extra_quantity, extra_weight = accuracies(extra)

    print(f"classifier_lexicon_build: {build_ms:.1f} ms")
    print(f"classifier_throughput: {rate:.0f} texts/s")
    print(f"classifier_category_accuracy: {category:.1f} %")
    print(f"classifier_quantity_accuracy: {quantity:.1f} %")
    print(f"classifier_weight_accuracy: {weight:.1f} %")
    print(f"classifier_extra_category_accuracy: {extra_category:.1f} %")
    print(f"classifier_extra_quantity_accuracy: {extra_quantity:.1f} %")
    print(f"classifier_extra_weight_accuracy: {extra_weight:.1f} %")
    print(f"classifier_extra_examples: {len(extra)} texts")


if __name__ == "__main__":
    main()
