"""Learning from corrections: a shop's stream of deposits replayed with and without memory.

A simulated volunteer validates each proposal of the offline classifier — correcting the wrong
ones, and getting 2 % of validations wrong — and, with learning, every validation goes into the
site's memory before the next deposit. Prints the accuracy of the proposals per block of 100
deposits, both ways, then the reliability of the confidence shown. `--database-url` is accepted
for uniformity with the other benchmarks and ignored (bench_learning_refresh.py uses one).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _calibration import print_reliability
from _shop_stream import Deposit, new_id, stream, volunteer_choice

from recyclic.services.ai.learning.memory import SiteMemory, ValidatedExample
from recyclic.services.ai.local_classifier import classify_text

BLOCK = 100


@dataclass(frozen=True)
class Outcome:
    deposit: Deposit
    proposed: str
    confidence: int

    @property
    def right(self) -> bool:
        return self.proposed == self.deposit.category


def replay(deposits: list[Deposit], learning: bool) -> list[Outcome]:
    """Propose, let the volunteer validate, and (with learning) remember the validation."""
    rng = random.Random(170)
    memory = SiteMemory(epoch=deposits[0].at) if learning else None
    outcomes = []
    for deposit in deposits:
        result = classify_text(deposit.text, evidence=memory)
        outcomes.append(Outcome(deposit, result.category, result.confidence))
        chosen = volunteer_choice(result.category, deposit.category, rng)
        if memory is not None:
            memory.learn([ValidatedExample(new_id(), deposit.text, chosen, deposit.at, deposit.at)])
    return outcomes


def share(outcomes: list[Outcome]) -> float:
    return 100 * sum(o.right for o in outcomes) / len(outcomes) if outcomes else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None, help="ignored (no database used)")
    parser.add_argument("--deposits", type=int, default=2_000)
    args = parser.parse_args()

    deposits = list(stream(args.deposits))
    without = replay(deposits, learning=False)
    with_memory = replay(deposits, learning=True)
    for start in range(0, len(deposits), BLOCK):
        block = start // BLOCK + 1
        plain, learned = without[start : start + BLOCK], with_memory[start : start + BLOCK]
        print(f"learning_block_{block:02d}_accuracy_without: {share(plain):.0f} %")
        print(f"learning_block_{block:02d}_accuracy_with: {share(learned):.0f} %")
    for label, outcomes in (("without", without), ("with", with_memory)):
        shop = [o for o in outcomes if o.deposit.shop_word]
        known = [o for o in outcomes if not o.deposit.shop_word]
        print(f"learning_accuracy_{label}: {share(outcomes):.1f} %")
        print(f"learning_shop_words_accuracy_{label}: {share(shop):.1f} %")
        print(f"learning_labelled_texts_accuracy_{label}: {share(known):.1f} %")
    last = len(deposits) // 2
    print(f"learning_second_half_accuracy_without: {share(without[last:]):.1f} %")
    print(f"learning_second_half_accuracy_with: {share(with_memory[last:]):.1f} %")
    for label, outcomes in (("without", without), ("with", with_memory)):
        proposals = [(o.confidence, o.right) for o in outcomes]
        print_reliability(f"learning_reliability_{label}", proposals)


if __name__ == "__main__":
    main()
