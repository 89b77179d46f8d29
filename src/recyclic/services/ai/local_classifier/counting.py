"""Item counting (spec §6): stated counts win, containers are one lot, lists add up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from .normalize import BREAK, STOPWORDS
from .numbers import NUMBER_WORDS, NumberSpan
from .quantities import (
    CORRECTION_MARKERS,
    DETERMINERS,
    NOT_NOUNS,
    PLURAL_DETERMINERS,
    SEPARATORS,
    NounSpan,
    NumberScan,
    is_plural_word,
)

_MAX_QUANTITY = 10_000


class _Opener(Enum):
    """What starts a clause: the text start, a comma, "et", or a self-correction."""

    START = "start"
    BREAK = "break"
    AND = "and"
    CORRECTION = "correction"


class _Kind(Enum):
    """What a clause contributes: a new item, a count for the previous one, or nothing."""

    NONE = "none"
    ITEM = "item"
    COUNT = "count"  # "une dizaine", "deux": a count that refers back
    BARE_CONTAINER = "bare_container"  # "un carton", "six paires" after an item


@dataclass(slots=True)
class _Clause:
    opener: _Opener
    positions: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Reading:
    kind: _Kind
    count: int | None = None
    has_own_count: bool = False
    starts_with_de: bool = False
    holds_content: bool = False
    stated: bool = False  # a number was given, not only a determiner


_NONE = _Reading(_Kind.NONE)


def count_items(
    tokens: Sequence[str],
    scan: NumberScan,
    measures: frozenset[int],
    nouns: Sequence[NounSpan],
) -> int | None:
    """Return the number of items described, or None when it must be asked."""
    dead = _dead_positions(tokens, scan, measures)
    numbers = [s for s in scan.numbers if s.start not in dead and s.start >= 0]
    live_nouns = sorted((n for n in nouns if n.start not in dead), key=lambda n: n.start)
    items: list[int | None] = []
    previous: _Reading | None = None
    for clause in _clauses(tokens, dead, numbers):
        reading = _read_clause(tokens, clause, numbers, live_nouns, scan)
        if reading.kind is _Kind.NONE:
            continue
        if _fills_container(clause, reading, previous):
            # "un lot : 4 chaises", "un carton, des livres": the content of a bare container.
            items[-1] = reading.count if reading.stated else items[-1]
            previous = _Reading(_Kind.ITEM, items[-1], holds_content=True)
            continue
        if not items or _starts_new_item(clause, reading, previous):
            items.append(reading.count)
            previous = reading
        elif clause.opener is _Opener.CORRECTION:
            items[-1] = reading.count
        elif reading.kind is not _Kind.ITEM:
            # "casseroles et poêles, une dizaine" / "des boules et une guirlande, un carton":
            # a trailing count covers an uncounted list, a trailing container holds the list;
            # otherwise the count refines the last item.
            if reading.kind is _Kind.BARE_CONTAINER or all(count is None for count in items):
                items = [reading.count]
            else:
                items[-1] = reading.count
    if not items or any(count is None for count in items):
        return None
    total = sum(count for count in items if count is not None)
    return total if 1 <= total <= _MAX_QUANTITY else None


def _fills_container(clause: _Clause, reading: _Reading, previous: _Reading | None) -> bool:
    """True when an item clause right after a comma names what a bare container holds."""
    return (
        previous is not None
        and previous.kind is _Kind.BARE_CONTAINER
        and reading.kind is _Kind.ITEM
        and clause.opener is _Opener.BREAK
    )


def _starts_new_item(clause: _Clause, reading: _Reading, previous: _Reading | None) -> bool:
    """Decide whether a clause adds an item (True) or refines the previous one (False)."""
    if clause.opener is _Opener.CORRECTION or reading.kind is _Kind.COUNT:
        return False
    if reading.kind is _Kind.BARE_CONTAINER:
        return clause.opener is _Opener.AND
    if previous is not None and previous.holds_content:
        # "un carton de draps et de rideaux", "un lot de vaisselle, des assiettes et des
        # verres": still the container's content unless a new count is stated.
        return reading.stated and not reading.starts_with_de
    if clause.opener is _Opener.BREAK:
        return reading.has_own_count  # ", écran fissuré" describes; ", une lampe" adds
    return True


def _dead_positions(tokens: Sequence[str], scan: NumberScan, measures: frozenset[int]) -> set[int]:
    """Positions that never count: weights, measures and accessory clauses ("avec sa housse")."""
    dead = set(scan.weight_positions) | set(measures)
    in_accessory = False
    for index, word in enumerate(tokens):
        if word == "avec":
            in_accessory = True
        elif word == BREAK:
            in_accessory = False
        if in_accessory:
            dead.add(index)
    return dead


def _clauses(tokens: Sequence[str], dead: set[int], numbers: Sequence[NumberSpan]) -> list[_Clause]:
    """Split live tokens into clauses at commas, "et" and self-corrections."""
    inside_numbers = {i for span in numbers for i in range(span.start + 1, span.end)}
    clauses = [_Clause(_Opener.START)]
    for index, token in enumerate(tokens):
        if index in dead:
            continue
        opener = _opener_of(token) if index not in inside_numbers else None
        if opener is None:
            clauses[-1].positions.append(index)
        elif clauses[-1].positions:
            clauses.append(_Clause(opener))
        elif clauses[-1].opener is not _Opener.CORRECTION:
            clauses[-1].opener = opener
    return clauses


def _opener_of(token: str) -> _Opener | None:
    """The clause opener a token stands for, if any."""
    if token in CORRECTION_MARKERS:
        return _Opener.CORRECTION
    if token == BREAK:
        return _Opener.BREAK
    if token in SEPARATORS:
        return _Opener.AND
    return None


def _read_clause(
    tokens: Sequence[str],
    clause: _Clause,
    numbers: Sequence[NumberSpan],
    nouns: Sequence[NounSpan],
    scan: NumberScan,
) -> _Reading:
    """Interpret one clause."""
    inside = set(clause.positions)
    clause_nouns = [noun for noun in nouns if noun.start in inside]
    clause_numbers = [span for span in numbers if span.start in inside]
    starts_with_de = tokens[clause.positions[0]] in ("de", "d") if clause.positions else False
    if clause_nouns:
        return _read_noun_clause(tokens, clause, clause_nouns, clause_numbers, scan, starts_with_de)
    pseudo = _unknown_noun(tokens, clause.positions, clause_numbers)
    if pseudo is not None:
        return _read_noun_clause(tokens, clause, [pseudo], clause_numbers, scan, starts_with_de)
    counts = [
        span
        for span in clause_numbers
        if span.is_integer and span.value > 0 and tokens[span.start - 1 : span.start] != ["de"]
    ]
    if counts:
        return _Reading(_Kind.COUNT, int(counts[-1].value))
    return _NONE


def _read_noun_clause(
    tokens: Sequence[str],
    clause: _Clause,
    nouns: Sequence[NounSpan],
    numbers: Sequence[NumberSpan],
    scan: NumberScan,
    starts_with_de: bool,
) -> _Reading:
    """Count a clause whose first noun is `nouns[0]`."""
    head = nouns[0]
    before = [p for p in clause.positions if p < head.start]
    stated = _last_number_in(numbers, before)
    plural_determiner = any(tokens[p] in PLURAL_DETERMINERS for p in before)
    has_own_count = stated is not None or any(tokens[p] in DETERMINERS for p in before)
    if stated is not None:
        count: int | None = _as_count(stated)
    elif head.plural or plural_determiner:
        count = None
    else:
        count = 1
    if head.container:
        return _read_container(tokens, clause, nouns, numbers, count, has_own_count, starts_with_de)
    if stated is None:
        multiplied = _multiplier_after(tokens, clause, head, numbers)
        if multiplied is not None:
            count = multiplied
        elif starts_with_de and clause.positions[0] - 1 in scan.weight_positions:
            count = None  # "deux kilos de vêtements": a mass, not a count
    return _Reading(_Kind.ITEM, count, has_own_count, starts_with_de, stated=stated is not None)


def _read_container(
    tokens: Sequence[str],
    clause: _Clause,
    nouns: Sequence[NounSpan],
    numbers: Sequence[NumberSpan],
    count: int | None,
    has_own_count: bool,
    starts_with_de: bool,
) -> _Reading:
    """A container is one lot unless its content is counted ("un lot de 5 livres" = 5)."""
    head = nouns[0]
    content = nouns[1] if len(nouns) > 1 else None
    if content is None:
        return _Reading(_Kind.BARE_CONTAINER, count, has_own_count, starts_with_de)
    between = [p for p in clause.positions if head.end <= p < content.start]
    inner = _last_number_in(numbers, between)
    if inner is not None and "de" in (tokens[p] for p in between):
        inner_count = _as_count(inner)
        count = None if inner_count is None else inner_count * (count or 1)
    return _Reading(_Kind.ITEM, count, has_own_count, starts_with_de, holds_content=True)


def _last_number_in(numbers: Sequence[NumberSpan], positions: Sequence[int]) -> NumberSpan | None:
    """The last number starting at one of `positions`."""
    allowed = set(positions)
    found = [span for span in numbers if span.start in allowed]
    return found[-1] if found else None


def _as_count(span: NumberSpan) -> int | None:
    """A number as a count: positive integers only."""
    return int(span.value) if span.is_integer and span.value >= 1 else None


def _multiplier_after(
    tokens: Sequence[str], clause: _Clause, head: NounSpan, numbers: Sequence[NumberSpan]
) -> int | None:
    """Count written after the noun as "chaises x 4"."""
    for span in numbers:
        after_head = span.start > head.start and span.start in clause.positions
        if after_head and tokens[span.start - 1] == "x":
            return _as_count(span)
    return None


def _unknown_noun(
    tokens: Sequence[str], positions: Sequence[int], numbers: Sequence[NumberSpan]
) -> NounSpan | None:
    """A word the lexicon does not know but a determiner or count introduces ("un truc")."""
    starts = {span.start: span for span in numbers}
    introduced = False
    index = 0
    while index < len(positions):
        position = positions[index]
        token = tokens[position]
        if position in starts:
            introduced = True
            span_end = starts[position].end
            while index < len(positions) and positions[index] < span_end:
                index += 1
            continue
        if token in DETERMINERS and tokens[position + 1 : position + 2] != ["peu"]:
            introduced = True
        elif introduced and _is_content_word(token):
            return NounSpan(position, position + 1, plural=is_plural_word(token))
        elif token not in NOT_NOUNS:
            introduced = False
        index += 1
    return None


def _is_content_word(token: str) -> bool:
    """True for a word that may name an item."""
    return (
        token.isalpha()
        and token not in STOPWORDS
        and token not in NUMBER_WORDS
        and token not in NOT_NOUNS
    )
