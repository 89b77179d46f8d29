"""What each clause of a description says about counts: an item, a count, a container…"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from .normalize import BREAK, STOPWORDS, word_set
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

# Words that make a second mention another item ("une chaise, une autre chaise").
_ANOTHER = word_set(
    """
    autre autres deuxieme second seconde troisieme quatrieme encore aussi egalement plus
    """
)
# Words for any item at all: a second mention with one of them is the same thing again.
ANY_ITEM_WORDS = word_set("objet truc machin bidule chose article modele")
# After these, the rest of the clause describes part of what was named ("six verres dont
# deux ébréchés") or an accessory ("avec sa housse"): nothing there is counted.
_SUBORDINATE = frozenset({"avec", "dont"})


class Opener(Enum):
    """What starts a clause: the text start, a comma, "et", or a self-correction."""

    START = "start"
    BREAK = "break"
    AND = "and"
    CORRECTION = "correction"


class Kind(Enum):
    """What a clause contributes: a new item, a count for the previous one, or nothing."""

    NONE = "none"
    ITEM = "item"
    COUNT = "count"  # "une dizaine", "deux": a count that refers back
    BARE_CONTAINER = "bare_container"  # "un carton", "six paires" after an item


@dataclass(slots=True)
class Clause:
    opener: Opener
    positions: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Reading:
    """One clause as a listener hears it."""

    kind: Kind
    count: int | None = None
    has_own_count: bool = False
    starts_with_de: bool = False
    holds_content: bool = False
    stated: bool = False  # a number was given, not only a determiner
    plural: bool = False
    head: str = ""  # lexicon form of the head noun ("" when the lexicon does not know it)
    words: frozenset[str] = frozenset()  # its content words, folded
    codes: frozenset[str] = frozenset()  # categories of its head noun or brand
    brand: bool = False  # only a brand or model names the item ("un Nokia")
    hypernym: bool = False  # "un meuble en chêne"
    ellipsis: bool = False  # a count and a qualifier, the noun left out ("une rouge")
    another: bool = False  # "une autre chaise": certainly a new item


NONE_READING = Reading(Kind.NONE)


@dataclass(frozen=True, slots=True)
class Sentence:
    """The parts of a description the clause readers look at."""

    tokens: Sequence[str]
    words: Sequence[str]  # the tokens folded to their lexicon form (singular, typo fixed)
    scan: NumberScan
    numbers: Sequence[NumberSpan]
    nouns: Sequence[NounSpan]
    brands: Mapping[int, frozenset[str]]  # start position of a brand -> its categories


def dead_positions(tokens: Sequence[str], scan: NumberScan, measures: frozenset[int]) -> set[int]:
    """Positions that never count: weights, measures, and "avec …" / "dont …" clauses."""
    dead = set(scan.weight_positions) | set(measures)
    subordinate = False
    for index, word in enumerate(tokens):
        if word in _SUBORDINATE:
            subordinate = True
        elif word == BREAK:
            subordinate = False
        if subordinate:
            dead.add(index)
    return dead


def split_clauses(
    tokens: Sequence[str], dead: set[int], numbers: Sequence[NumberSpan]
) -> list[Clause]:
    """Split live tokens into clauses at commas, "et" and self-corrections."""
    inside_numbers = {i for span in numbers for i in range(span.start + 1, span.end)}
    clauses = [Clause(Opener.START)]
    for index, token in enumerate(tokens):
        if index in dead:
            continue
        opener = _opener_of(token) if index not in inside_numbers else None
        if opener is None:
            clauses[-1].positions.append(index)
        elif clauses[-1].positions:
            clauses.append(Clause(opener))
        elif clauses[-1].opener is not Opener.CORRECTION:
            clauses[-1].opener = opener
    return clauses


def _opener_of(token: str) -> Opener | None:
    """The clause opener a token stands for, if any."""
    if token in CORRECTION_MARKERS:
        return Opener.CORRECTION
    if token == BREAK:
        return Opener.BREAK
    if token in SEPARATORS:
        return Opener.AND
    return None


def read_clause(sentence: Sentence, clause: Clause) -> Reading:
    """Interpret one clause."""
    tokens = sentence.tokens
    inside = set(clause.positions)
    clause_nouns = [noun for noun in sentence.nouns if noun.start in inside]
    clause_numbers = [span for span in sentence.numbers if span.start in inside]
    starts_with_de = tokens[clause.positions[0]] in ("de", "d") if clause.positions else False
    ellipsis = _is_ellipsis(sentence, clause, clause_numbers)
    if ellipsis and tokens[clause_numbers[0].end] in _COMPLEMENT_PREPOSITIONS:
        clause_nouns = []  # "un en verre": the material, not a glass
    if clause_nouns:
        return _read_noun_clause(sentence, clause, clause_nouns, clause_numbers, starts_with_de)
    pseudo = _unknown_noun(tokens, clause.positions, clause_numbers)
    if pseudo is not None or ellipsis:
        if pseudo is None:  # "un de 90": the count stands for the noun
            first = clause_numbers[0]
            pseudo = NounSpan(first.end, first.end, plural=first.value > 1)
        codes = sentence.brands.get(pseudo.start)
        if codes is not None:
            pseudo = NounSpan(pseudo.start, pseudo.end, False, codes=codes, brand=True)
            ellipsis = False
        elif sentence.words[pseudo.start] in ANY_ITEM_WORDS:
            pseudo = NounSpan(pseudo.start, pseudo.end, pseudo.plural, hypernym=True)
        reading = _read_noun_clause(sentence, clause, [pseudo], clause_numbers, starts_with_de)
        return replace(reading, head="", ellipsis=ellipsis)
    counts = [
        span
        for span in clause_numbers
        if span.is_integer and span.value > 0 and tokens[span.start - 1 : span.start] != ["de"]
    ]
    if counts:
        return Reading(Kind.COUNT, int(counts[-1].value))
    return NONE_READING


_COMPLEMENT_PREPOSITIONS = frozenset({"de", "d", "en", "a", "au", "pour", "sans", "sur"})


def _is_ellipsis(sentence: Sentence, clause: Clause, numbers: Sequence[NumberSpan]) -> bool:
    """True for a count, then what qualifies the left-out noun ("une rouge", "un de 90")."""
    if not numbers or not clause.positions or numbers[0].start != clause.positions[0]:
        return False
    first = numbers[0]
    if first.approximate or not first.is_integer or first.value < 1:
        return False
    rest = [p for p in clause.positions if p >= first.end]
    return bool(rest) and rest[0] not in {span.start for span in numbers}


def _read_noun_clause(
    sentence: Sentence,
    clause: Clause,
    nouns: Sequence[NounSpan],
    numbers: Sequence[NumberSpan],
    starts_with_de: bool,
) -> Reading:
    """Count a clause whose first noun is `nouns[0]`."""
    tokens = sentence.tokens
    head = nouns[0]
    before = [p for p in clause.positions if p < head.start]
    stated = _last_number_in(numbers, before)
    plural_determiner = any(tokens[p] in PLURAL_DETERMINERS for p in before)
    has_own_count = stated is not None or any(tokens[p] in DETERMINERS for p in before)
    plural = head.plural or plural_determiner or (stated is not None and stated.value > 1)
    if stated is not None:
        count: int | None = _as_count(stated)
    elif head.plural or plural_determiner:
        count = None
    else:
        count = 1
    if head.container:
        own = Reading(Kind.ITEM, count, has_own_count, starts_with_de, stated=stated is not None)
        return _read_container(sentence, clause, nouns, numbers, own)
    if stated is None:
        multiplied = _multiplier_after(tokens, clause, head, numbers)
        if multiplied is not None:
            count = multiplied
        elif starts_with_de and clause.positions[0] - 1 in sentence.scan.weight_positions:
            count = None  # "deux kilos de vêtements": a mass, not a count
    return Reading(
        Kind.ITEM,
        count,
        has_own_count,
        starts_with_de,
        stated=stated is not None,
        plural=plural,
        head=head.head,
        words=_content_words(sentence, clause, numbers),
        codes=head.codes,
        brand=head.brand,
        hypernym=head.hypernym,
        another=any(tokens[p] in _ANOTHER for p in clause.positions),
    )


def _read_container(
    sentence: Sentence,
    clause: Clause,
    nouns: Sequence[NounSpan],
    numbers: Sequence[NumberSpan],
    own: Reading,
) -> Reading:
    """A container is one lot unless its content is counted ("un lot de 5 livres" = 5);
    `own` is how the container itself is counted."""
    tokens = sentence.tokens
    head = nouns[0]
    content = nouns[1] if len(nouns) > 1 else None
    count = own.count
    if content is None:
        return replace(own, kind=Kind.BARE_CONTAINER, stated=False)
    between = [p for p in clause.positions if head.end <= p < content.start]
    inner = _last_number_in(numbers, between)
    if inner is not None and "de" in (tokens[p] for p in between):
        inner_count = _as_count(inner)
        count = None if inner_count is None else inner_count * (count or 1)
    return replace(
        own,
        count=count,
        holds_content=True,
        plural=count is None or count > 1,
        head=content.head,
        words=_content_words(sentence, clause, numbers),
        codes=content.codes,
    )


def _content_words(
    sentence: Sentence, clause: Clause, numbers: Sequence[NumberSpan]
) -> frozenset[str]:
    """The folded words of a clause that describe the item (no counts, articles, fillers)."""
    in_numbers = {i for span in numbers for i in range(span.start, span.end)}
    return frozenset(
        sentence.words[p]
        for p in clause.positions
        if p not in in_numbers
        and sentence.tokens[p] not in STOPWORDS
        and sentence.tokens[p] not in DETERMINERS
        and sentence.tokens[p] not in NOT_NOUNS
    )


def _last_number_in(numbers: Sequence[NumberSpan], positions: Sequence[int]) -> NumberSpan | None:
    """The last number starting at one of `positions`."""
    allowed = set(positions)
    found = [span for span in numbers if span.start in allowed]
    return found[-1] if found else None


def _as_count(span: NumberSpan) -> int | None:
    """A number as a count: positive integers only."""
    return int(span.value) if span.is_integer and span.value >= 1 else None


def _multiplier_after(
    tokens: Sequence[str], clause: Clause, head: NounSpan, numbers: Sequence[NumberSpan]
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
