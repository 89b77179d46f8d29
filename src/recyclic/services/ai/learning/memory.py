"""A site's memory of validated deposits: the shop's own words, as extra classifier evidence.

Each validated description is reduced to its content words (normalised, singular:
`description_words`) and counted, by final category, under three keys: the whole set of words
("clic clac bleu"), each pair of neighbouring words ("clic clac") and each word ("clic"). A new
description looks up the same keys — the validated deposits that share all its words, a pair of
them, or one word are its neighbours — and each key votes for the categories people chose:

- a vote is a share shrunk by two pseudo-examples, `weight / (total + 2)`: one validation gives
  a third of a vote, four agreeing two thirds — so a single mistaken validation never outweighs
  a word the lexicon knows well, while a few agreeing corrections do;
- pairs and words vote through a mean weighted by how decided each key is (the square of its
  largest share), so "bon état" or "bleu", found under every category, say almost nothing;
- a word the lexicon does not know — the shop's own word, kept as said rather than read as a
  typo of a known one — votes with `SHOP_WORD_WEIGHT`; a word the lexicon knows only tilts
  its answer (`WORD_WEIGHT`, less than one clear item noun);
- validations fade with a half-life (a year by default): when a shop changes its habits, the
  recent choices win.

The evidence is added to the lexicon's scores (`classify_text(…, evidence=…)`), in the same
units: the lexicon's clear item noun weighs about 4.5; one validation of the same words gives
3 (whole description and word), two give 4.5, four 6 (more with shared pairs).
"""

from __future__ import annotations

import itertools
import math
import time
import uuid
from collections import deque
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

WHOLE_WEIGHT = 6.0  # every word of the description seen together
PAIR_WEIGHT = 4.0
WORD_WEIGHT = 3.0  # a word the lexicon knows
SHOP_WORD_WEIGHT = 6.0  # a word it does not know
# A word "as said" replaces the lexicon's typo guess once two validations agree on it.
KNOWN_WORD_SUPPORT = 1.5
KNOWN_WORD_DECIDED = 0.6
SHRINKAGE = 2.0  # pseudo-examples against each key's votes
MAX_WORDS = 24  # a long description is keyed on its first words
MAX_EXAMPLE_CHARS = 120
_SECONDS_PER_DAY = 86_400.0
_EPSILON = 1e-9
_SCALE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ValidatedExample:
    """One validated deposit, as the memory learns from it."""

    deposit_id: uuid.UUID
    text: str
    category: str
    validated_at: datetime  # how recent the person's choice is
    changed_at: datetime  # the row's `updated_at`: where the next refresh resumes


@dataclass(slots=True)
class _Votes:
    """The categories people chose for one key, and the latest example behind it."""

    weights: dict[str, float]
    example: str
    example_category: str


@dataclass(frozen=True, slots=True)
class _Learned:
    """What one deposit added to the memory (to take it back when it changes)."""

    words: tuple[str, ...]
    category: str
    weight: float
    sequence: int


class SiteMemory:
    """The validated deposits of one site, indexed for nearest-neighbour votes."""

    def __init__(
        self, *, capacity: int = 50_000, half_life_days: float = 365.0, epoch: datetime
    ) -> None:
        # The local classifier (lexicons, rules) loads with the first memory, not with the app
        # (this module is imported by every process; most never classify).
        from recyclic.services.ai.local_classifier import lexicon_vocabulary

        self.capacity = capacity
        self.half_life_seconds = half_life_days * _SECONDS_PER_DAY
        self.epoch = epoch  # weights are stored relative to it: 2 ** (age / half-life)
        self.watermark: datetime | None = None
        self._wholes: dict[tuple[str, ...], _Votes] = {}
        self._pairs: dict[tuple[str, str], _Votes] = {}
        self._words: dict[str, _Votes] = {}
        self._learned: dict[uuid.UUID, _Learned] = {}
        self._order: deque[tuple[uuid.UUID, int]] = deque()
        self._sequence = 0
        self._vocabulary = lexicon_vocabulary()
        self._scale_now = 1.0
        self._scaled_at = float("-inf")

    def __len__(self) -> int:
        return len(self._learned)

    @property
    def key_count(self) -> int:
        """How many distinct keys (whole descriptions, pairs, words) the memory holds."""
        return len(self._wholes) + len(self._pairs) + len(self._words)

    # --- Learning -------------------------------------------------------------------------

    def learn(self, examples: Iterable[ValidatedExample]) -> int:
        """Add or update validated deposits (oldest first); return how many changed it."""
        from recyclic.services.ai.local_classifier import description_words  # see __init__

        changed = 0
        words_of: dict[str, tuple[str, ...]] = {}  # many deposits say the same words
        for example in examples:
            words = words_of.get(example.text)
            if words is None:
                words = words_of[example.text] = description_words(example.text)[:MAX_WORDS]
            changed += self._learn_one(example, words)
            if self.watermark is None or example.changed_at > self.watermark:
                self.watermark = example.changed_at
        while len(self._learned) > self.capacity:
            self._forget_oldest()
        return changed

    def _learn_one(self, example: ValidatedExample, words: tuple[str, ...]) -> bool:
        known = self._learned.get(example.deposit_id)
        if known is not None:
            if known.words == words and known.category == example.category:
                return False
            self._unlearn(example.deposit_id, known)
        if not words:
            return known is not None
        weight = self._weight(example.validated_at)
        self._sequence += 1
        self._learned[example.deposit_id] = _Learned(
            words, example.category, weight, self._sequence
        )
        self._order.append((example.deposit_id, self._sequence))
        text = " ".join(example.text.split())[:MAX_EXAMPLE_CHARS]
        for table, key in self._keys(words):
            votes = table.get(key)
            if votes is None:
                table[key] = _Votes({example.category: weight}, text, example.category)
            else:
                votes.weights[example.category] = votes.weights.get(example.category, 0.0) + weight
                votes.example, votes.example_category = text, example.category
        return True

    def _forget_oldest(self) -> None:
        while self._order:
            deposit_id, sequence = self._order.popleft()
            known = self._learned.get(deposit_id)
            if known is not None and known.sequence == sequence:
                self._unlearn(deposit_id, known)
                return

    def _unlearn(self, deposit_id: uuid.UUID, known: _Learned) -> None:
        del self._learned[deposit_id]
        for table, key in self._keys(known.words):
            votes = table.get(key)
            if votes is None:
                continue
            left = votes.weights.get(known.category, 0.0) - known.weight
            if left > _EPSILON:
                votes.weights[known.category] = left
            else:
                votes.weights.pop(known.category, None)
            if not votes.weights:
                del table[key]

    def _keys(self, words: tuple[str, ...]) -> Iterator[tuple[dict[Any, _Votes], Hashable]]:
        """Every key a description is counted under, with its table."""
        yield self._wholes, _whole(words)
        for pair in itertools.pairwise(words):
            yield self._pairs, pair
        for word in set(words):
            yield self._words, word

    def _scale(self, now: datetime | None) -> float:
        """What stored weights are multiplied by to count as of `now` (cached for a minute)."""
        if now is not None:
            return 1.0 / self._weight(now)
        moment = time.monotonic()
        if moment - self._scaled_at > _SCALE_SECONDS:
            self._scale_now = 1.0 / self._weight(datetime.now(UTC))
            self._scaled_at = moment
        return self._scale_now

    def _weight(self, at: datetime) -> float:
        """Stored weight of a validation made at `at` (it grows with time: recent wins)."""
        exponent = (at - self.epoch).total_seconds() / self.half_life_seconds
        return math.pow(2.0, max(-60.0, min(60.0, exponent)))

    # --- Recalling ------------------------------------------------------------------------

    def evidence(self, words: Sequence[str], now: datetime | None = None) -> dict[str, float]:
        """Scores per category from the validated deposits that share these words."""
        if not words or not self._learned:
            return {}
        words = tuple(words[:MAX_WORDS])
        scale = self._scale(now)
        scores: dict[str, float] = {}
        whole = self._wholes.get(_whole(words))
        if whole is not None:
            _vote(scores, [whole], scale, WHOLE_WEIGHT)
        pairs = [self._pairs.get(pair) for pair in itertools.pairwise(words)]
        _vote(scores, [votes for votes in pairs if votes is not None], scale, PAIR_WEIGHT)
        known: list[_Votes] = []
        unknown: list[_Votes] = []
        for word in set(words):
            votes = self._words.get(word)
            if votes is not None:
                (known if word in self._vocabulary else unknown).append(votes)
        _vote(scores, known, scale, WORD_WEIGHT)
        _vote(scores, unknown, scale, SHOP_WORD_WEIGHT)
        return scores

    def knows(self, word: str, now: datetime | None = None) -> bool:
        """True when at least two validations, most of them agreeing, used this word."""
        votes = self._words.get(word)
        if votes is None:
            return False
        total = sum(votes.weights.values()) * self._scale(now)
        return total >= KNOWN_WORD_SUPPORT and _decided(votes.weights) >= KNOWN_WORD_DECIDED

    def closest(self, text: str, limit: int) -> list[tuple[str, str]]:
        """Up to `limit` validated (description, category) pairs nearest to `text`: the same
        words first, then a shared pair of words, then the most decided shared words."""
        if limit <= 0 or not self._learned:
            return []
        from recyclic.services.ai.local_classifier import description_words  # see __init__

        words = description_words(text)[:MAX_WORDS]
        found: list[_Votes] = []
        whole = self._wholes.get(_whole(words))
        if whole is not None:
            found.append(whole)
        pairs = (self._pairs.get(pair) for pair in itertools.pairwise(words))
        found.extend(votes for votes in pairs if votes is not None)
        singles = [v for v in (self._words.get(word) for word in dict.fromkeys(words)) if v]
        found.extend(sorted(singles, key=lambda votes: -_decided(votes.weights)))
        examples: dict[str, str] = {}
        for votes in found:
            examples.setdefault(votes.example, votes.example_category)
            if len(examples) >= limit:
                break
        return list(examples.items())


def _whole(words: Sequence[str]) -> tuple[str, ...]:
    """The key of a whole description: its distinct words, in any order."""
    return tuple(sorted(set(words)))


def _decided(weights: Mapping[str, float]) -> float:
    """How decided a key is: the square of its largest share (1 when everyone agreed)."""
    total = sum(weights.values())
    return (max(weights.values()) / (total + _EPSILON)) ** 2


def _vote(scores: dict[str, float], keys: Sequence[_Votes], scale: float, weight: float) -> None:
    """Add the keys' shrunk shares, as a mean weighted by how decided each key is."""
    if not keys:
        return
    if len(keys) == 1:  # the mean of one key is that key
        weights = keys[0].weights
        factor = weight * scale / (sum(weights.values()) * scale + SHRINKAGE)
        for code, value in weights.items():
            scores[code] = scores.get(code, 0.0) + value * factor
        return
    shares: list[tuple[float, dict[str, float]]] = []
    for votes in keys:
        total = sum(votes.weights.values()) * scale + SHRINKAGE
        share = {code: value * scale / total for code, value in votes.weights.items()}
        shares.append((_decided(votes.weights), share))
    mass = sum(decided for decided, _ in shares)
    if mass <= _EPSILON:
        return
    for decided, share in shares:
        for code, value in share.items():
            scores[code] = scores.get(code, 0.0) + weight * value * decided / mass
