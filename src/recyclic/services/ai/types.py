"""Plain data of the AI pipeline: the categories it chooses from and what it answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from recyclic.utils.formatting import GRAMS_PER_KG


class GeminiError(Exception):
    """Gemini gave no usable answer; `reason` is for logs, never for people.

    Here rather than in gemini.py: the service catches it without loading Gemini's client."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


Provider = Literal["gemini", "local"]
PROVIDERS: tuple[Provider, ...] = ("gemini", "local")


class CategoryRow(Protocol):
    """Anything shaped like a category (the ORM model, a schema)."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def weee_category(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """One active category, as the callers hand it to the AI service."""

    code: str
    label: str
    family: str = ""
    weee_category: int | None = None

    @classmethod
    def of(cls, row: CategoryRow) -> CategoryInfo:
        """Copy the fields the AI needs from a category row."""
        return cls(row.code, row.label, row.family, row.weee_category)


@dataclass(frozen=True, slots=True)
class Classification:
    """A proposed category with its confidence, alternatives, quantity and weight."""

    category: str
    confidence: int  # 0..100
    alternatives: tuple[tuple[str, int], ...] = ()  # up to 3, best first, without `category`
    quantity: int | None = None
    weight_grams: int | None = None
    provider: Provider = "local"
    transcription: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.confidence <= 100:
            raise ValueError(f"confidence out of range: {self.confidence}")
        if len(self.alternatives) > 3:
            raise ValueError("at most 3 alternatives")
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider!r}")

    @property
    def weight_kg(self) -> float | None:
        """The weight in kilograms (three decimals at most, exact from grams)."""
        return None if self.weight_grams is None else self.weight_grams / GRAMS_PER_KG

    def with_transcription(self, transcription: str | None) -> Classification:
        """The same result, carrying the text it was made from."""
        return replace(self, transcription=transcription)

    def as_dict(self) -> dict[str, Any]:
        """The API / CLI shape (`weight_kg`, alternatives as objects)."""
        return {
            "category": self.category,
            "confidence": self.confidence,
            "alternatives": [
                {"category": code, "confidence": confidence}
                for code, confidence in self.alternatives
            ],
            "quantity": self.quantity,
            "weight_kg": self.weight_kg,
            "provider": self.provider,
            "transcription": self.transcription,
        }

    def to_cache(self) -> str:
        """Compact JSON for the cache (grams kept as integers, no transcription)."""
        return json.dumps(
            [
                self.category,
                self.confidence,
                [list(item) for item in self.alternatives],
                self.quantity,
                self.weight_grams,
                self.provider,
            ],
            separators=(",", ":"),
        )

    @classmethod
    def from_cache(cls, payload: str) -> Classification:
        """Inverse of `to_cache`; raises ValueError on anything unexpected."""
        try:
            category, confidence, alternatives, quantity, weight, provider = json.loads(payload)
            return cls(
                category=str(category),
                confidence=int(confidence),
                alternatives=tuple((str(code), int(score)) for code, score in alternatives),
                quantity=None if quantity is None else int(quantity),
                weight_grams=None if weight is None else int(weight),
                provider=provider,
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"unreadable cached classification: {exc}") from exc
