"""Item counting (spec §6), as a person listening counts.

Stated counts win, containers are one lot, listed items add up. Spoken descriptions also come
back to what they named: the same thing named again is still one item ("une chaise, une chaise
de bureau", "un téléphone portable, un Nokia"); the members of a counted plural keep its count
("trois lampes, une rouge et deux blanches" = 3); a plural restated with its count takes that
count ("des verres, six verres à pied" = 6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .clauses import (
    Clause,
    Kind,
    Opener,
    Reading,
    Sentence,
    dead_positions,
    read_clause,
    split_clauses,
)
from .quantities import NounSpan, NumberScan

_MAX_QUANTITY = 10_000


@dataclass(slots=True)
class _Mentions:
    """Clauses that come back to an item already counted: the same thing named again, or
    the members of a plural. They never add items; they give the count the item lacked."""

    item: Reading
    count: int | None  # the item's count so far
    counts: list[int | None] = field(default_factory=list)
    by_kind_only: bool = True  # every member is only of the item's kind ("un dictionnaire")

    def add(self, reading: Reading) -> None:
        """Gather one more mention."""
        self.counts.append(reading.count)
        if reading.ellipsis or reading.brand or reading.head == self.item.head:
            self.by_kind_only = False

    def total(self) -> int | None:
        """The item's own count if it had one, else what its members add up to."""
        if self.count is not None:
            return self.count
        if not self.counts or any(count is None for count in self.counts):
            return None
        if self.by_kind_only and len(self.counts) < 2:
            return None  # "des livres, un dictionnaire": one example, not the whole lot
        return sum(count for count in self.counts if count is not None)


def count_items(
    tokens: Sequence[str],
    words: Sequence[str],
    scan: NumberScan,
    measures: frozenset[int],
    nouns: Sequence[NounSpan],
    brands: Mapping[int, frozenset[str]],
) -> int | None:
    """Return the number of items described, or None when it must be asked."""
    dead = dead_positions(tokens, scan, measures)
    numbers = [s for s in scan.numbers if s.start not in dead and s.start >= 0]
    live_nouns = sorted((n for n in nouns if n.start not in dead), key=lambda n: n.start)
    sentence = Sentence(tokens, words, scan, numbers, live_nouns, brands)
    items: list[int | None] = []
    previous: Reading | None = None
    mentions: _Mentions | None = None
    for clause in split_clauses(tokens, dead, numbers):
        reading = read_clause(sentence, clause)
        if reading.kind is Kind.NONE:
            continue
        if mentions is not None:
            if clause.opener in (Opener.BREAK, Opener.AND) and _is_member(mentions, reading):
                mentions.add(reading)
                continue
            items[-1] = mentions.total()
            mentions = None
        if previous is not None and _comes_back(clause, previous, items[-1], reading):
            mentions = _Mentions(previous, items[-1])
            mentions.add(reading)
            if items[-1] == 1:  # a single item named again: nothing more to gather
                items[-1], mentions = 1, None
            continue
        if _fills_container(clause, reading, previous):
            # "un lot : 4 chaises", "un carton, des livres": the content of a bare container.
            items[-1] = reading.count if reading.stated else items[-1]
            previous = Reading(Kind.ITEM, items[-1], holds_content=True)
            continue
        if not items or _starts_new_item(clause, reading, previous):
            items.append(reading.count)
            previous = reading
        elif clause.opener is Opener.CORRECTION:
            items[-1] = reading.count
        elif reading.kind is not Kind.ITEM:
            # "casseroles et poêles, une dizaine" / "des boules et une guirlande, un carton":
            # a trailing count covers an uncounted list, a trailing container holds the list;
            # otherwise the count refines the last item.
            if reading.kind is Kind.BARE_CONTAINER or all(count is None for count in items):
                items = [reading.count]
            else:
                items[-1] = reading.count
    if mentions is not None:
        items[-1] = mentions.total()
    if not items or any(count is None for count in items):
        return None
    total = sum(count for count in items if count is not None)
    return total if 1 <= total <= _MAX_QUANTITY else None


def _comes_back(clause: Clause, item: Reading, count: int | None, reading: Reading) -> bool:
    """True when a clause after a comma names again the item just counted, or starts listing
    its members ("une chaise, une chaise de bureau"; "trois lampes, une rouge …")."""
    if clause.opener is not Opener.BREAK or item.kind is not Kind.ITEM:
        return False
    if reading.kind is not Kind.ITEM or reading.another:
        return False
    if count == 1:  # "une lampe, une lampe de chevet"; "une lampe, une petite"
        same = reading.ellipsis or _same_thing(item, reading)
        return reading.count == 1 and not reading.plural and same
    if count is not None and reading.count is not None and reading.count > count:
        return False  # "deux chaises, trois chaises de jardin": more chairs
    return reading.ellipsis or _same_thing(item, reading)


def _is_member(mentions: _Mentions, reading: Reading) -> bool:
    """True for the next member of a list that came back to an item ("… et deux blanches")."""
    item, count = mentions.item, mentions.count
    if reading.kind is not Kind.ITEM or reading.another:
        return False
    if count is not None and reading.count is not None and reading.count > count:
        return False
    return (
        reading.ellipsis
        or ((reading.brand or item.hypernym) and bool(reading.codes & item.codes))
        or (bool(reading.head) and reading.head == item.head)
    )


def _same_thing(item: Reading, reading: Reading) -> bool:
    """Whether a second mention names the same thing: the same noun told in more (or fewer)
    words, a brand that makes such items, or a word for any item of its kind ("un meuble")."""
    if reading.brand:
        return bool(reading.codes & item.codes)
    if reading.hypernym:
        return not reading.codes or bool(reading.codes & item.codes)
    if item.hypernym:  # "cinq livres, trois romans et deux BD"
        return bool(reading.codes & item.codes)
    if not item.head or reading.head != item.head:
        return False
    return item.words <= reading.words or reading.words <= item.words


def _fills_container(clause: Clause, reading: Reading, previous: Reading | None) -> bool:
    """True when an item clause right after a comma names what a bare container holds."""
    return (
        previous is not None
        and previous.kind is Kind.BARE_CONTAINER
        and reading.kind is Kind.ITEM
        and clause.opener is Opener.BREAK
    )


def _starts_new_item(clause: Clause, reading: Reading, previous: Reading | None) -> bool:
    """Decide whether a clause adds an item (True) or refines the previous one (False)."""
    if clause.opener is Opener.CORRECTION or reading.kind is Kind.COUNT:
        return False
    if reading.kind is Kind.BARE_CONTAINER:
        return clause.opener is Opener.AND
    if previous is not None and previous.holds_content:
        # "un carton de draps et de rideaux", "un lot de vaisselle, des assiettes et des
        # verres": still the container's content unless a new count is stated.
        return reading.stated and not reading.starts_with_de
    if clause.opener is Opener.BREAK:
        return reading.has_own_count  # ", écran fissuré" describes; ", une lampe" adds
    # "une boîte de vis et de clous": "et de …" goes on with what the item holds.
    return not (reading.starts_with_de and not reading.stated)
