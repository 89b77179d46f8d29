"""The reliability table of the classifier benchmarks: how often each confidence band was right."""

from __future__ import annotations

from collections.abc import Sequence

BANDS = ((0, 50), (50, 70), (70, 85), (85, 95), (95, 101))
SHOWN_SURE = 85  # what the bot and the reception desk present as a sure proposal


def print_reliability(name: str, proposals: Sequence[tuple[int, bool]]) -> None:
    """For each band of (confidence, right) proposals: how many, and the share that was right."""
    for low, high in BANDS:
        band = [right for confidence, right in proposals if low <= confidence < high]
        label = f"{low}_{min(high, 100)}"
        print(f"{name}_band_{label}_proposals: {len(band)}")
        if band:
            print(f"{name}_band_{label}_right: {100 * sum(band) / len(band):.1f} %")
    sure = [right for confidence, right in proposals if confidence >= SHOWN_SURE]
    share = 100 * sum(sure) / len(sure) if sure else float("nan")
    print(f"{name}_right_when_shown_{SHOWN_SURE}_or_more: {share:.1f} % of {len(sure)}")
