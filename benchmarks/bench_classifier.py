"""P5 benchmark: throughput, accuracy and calibration of the offline classifier on one core.

Classifies every line of the development set 100 times, without and with a site memory of
50,000 validated deposits, and prints `name: value unit` lines: accuracy (category, quantity,
weight) on every labelled set, the memory's size and build time, and a reliability table — how
often proposals shown in each confidence band were right. `--database-url` is accepted for
uniformity with the other benchmarks and ignored.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _calibration import print_reliability
from _shop_stream import new_id, stream, varied, volunteer_choice

from recyclic.services.ai.learning.memory import SiteMemory, ValidatedExample
from recyclic.services.ai.local_classifier import LocalClassification, classify_text
from recyclic.services.ai.local_classifier.lexicon import get_lexicon

DATA = ROOT / "tests" / "data"
SETS = ("dev", "extra", "counting", "calibration")
REPEATS = 100
RUNS = 5
HISTORY = 50_000


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


def throughput(texts: list[str], memory: SiteMemory | None) -> tuple[float, float]:
    """Texts per second classifying `texts` REPEATS times (median of RUNS runs): per second
    of wall-clock time, and per second of this process's CPU time (what one core does, even
    on a machine shared with other work)."""
    rates, cpu_rates = [], []
    for _ in range(RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(REPEATS):
            for text in texts:
                classify_text(text, evidence=memory)
        count = len(texts) * REPEATS
        rates.append(count / (time.perf_counter() - started))
        cpu_rates.append(count / (time.process_time() - cpu_started))
    return statistics.median(rates), statistics.median(cpu_rates)


def history(count: int) -> list[ValidatedExample]:
    """A busy site's validated deposits (100 a day): the shop stream, validated by the
    simulated volunteer."""
    rng = random.Random(5)
    return [
        ValidatedExample(
            new_id(),
            varied(deposit.text, rng),
            volunteer_choice(deposit.category, deposit.category, rng),
            deposit.at,
            deposit.at,
        )
        for deposit in stream(count, seed=50, per_day=100)
    ]


def build_memory(examples: list[ValidatedExample]) -> SiteMemory:
    memory = SiteMemory(capacity=HISTORY, epoch=examples[-1].validated_at)
    memory.learn(examples)
    return memory


def learning_time(memory: SiteMemory, examples: list[ValidatedExample]) -> float:
    """Median seconds to learn one more validated deposit (a full memory forgets one)."""
    times = []
    for e in examples:
        again = ValidatedExample(new_id(), e.text, e.category, e.validated_at, e.changed_at)
        started = time.perf_counter()
        memory.learn([again])
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def accuracies(
    examples: list[Example], results: list[LocalClassification]
) -> tuple[float, float, float]:
    """Category, quantity (nulls included) and weight (where given) accuracy in percent."""
    pairs = list(zip(results, examples, strict=True))
    category = sum(r.category == e.category for r, e in pairs) / len(pairs)
    quantity = sum(r.quantity == e.quantity for r, e in pairs) / len(pairs)
    weighed = [(r, e) for r, e in pairs if e.weight_grams is not None]
    weight = sum(r.weight_grams == e.weight_grams for r, e in weighed) / max(len(weighed), 1)
    return 100 * category, 100 * quantity, 100 * weight


def _proposal(result: LocalClassification, example: Example) -> tuple[int, bool]:
    return result.confidence, result.category == example.category


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None, help="ignored (no database used)")
    parser.parse_args()

    started = time.perf_counter()
    get_lexicon()
    classify_text("un frigo")  # builds the matcher too
    print(f"classifier_lexicon_build: {(time.perf_counter() - started) * 1000:.1f} ms")

    examples = history(HISTORY)
    gc.collect()
    started = time.perf_counter()
    memory = build_memory(examples)
    build_seconds = time.perf_counter() - started
    tracemalloc.start()
    measured = build_memory(examples)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del measured
    gc.collect()

    labelled = {name: load(DATA / f"classification-{name}.csv") for name in SETS}
    dev_texts = [e.text for e in labelled["dev"]]
    for label, evidence in (("", None), ("_with_memory", memory)):
        rate, cpu_rate = throughput(dev_texts, evidence)
        print(f"classifier_throughput{label}: {rate:.0f} texts/s")
        print(f"classifier_throughput{label}_per_cpu_second: {cpu_rate:.0f} texts/s")
    print(f"classifier_memory_validated_deposits: {len(memory)}")
    print(f"classifier_memory_keys: {memory.key_count}")
    print(f"classifier_memory_size: {size / 1e6:.1f} MB")
    print(f"classifier_memory_build: {build_seconds * 1000:.0f} ms")

    memory_for_learning = build_memory(examples)
    per_validation_us = learning_time(memory_for_learning, examples[-1_000:]) * 1e6
    del memory_for_learning
    print(f"classifier_memory_learn_one_validation: {per_validation_us:.0f} us")

    everything: list[tuple[LocalClassification, Example]] = []
    for name, rows in labelled.items():
        for label, evidence in (("", None), ("_with_memory", memory)):
            results = [classify_text(e.text, evidence=evidence) for e in rows]
            category, quantity, weight = accuracies(rows, results)
            print(f"classifier_{name}{label}_category_accuracy: {category:.1f} %")
            print(f"classifier_{name}{label}_quantity_accuracy: {quantity:.1f} %")
            print(f"classifier_{name}{label}_weight_accuracy: {weight:.1f} %")
            if evidence is None:
                everything.extend(zip(results, rows, strict=True))
        print(f"classifier_{name}_examples: {len(rows)} texts")
    print_reliability("classifier_reliability", [_proposal(r, e) for r, e in everything])
    fresh = set(labelled["calibration"])
    calibration = [_proposal(r, e) for r, e in everything if e in fresh]
    print_reliability("classifier_reliability_calibration_set", calibration)


if __name__ == "__main__":
    main()
