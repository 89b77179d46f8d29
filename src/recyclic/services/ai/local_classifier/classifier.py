"""Offline classifier: French description -> category, confidence, quantity and weight."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .counting import count_items
from .evidence import Evidence, as_said, content_words
from .lexicon import CATEGORY_CODES, Entry, Kind, Lexicon
from .matching import Folded, Match, get_matcher
from .normalize import BREAK, normalize_text, word_set
from .quantities import (
    COLLECTIVE_PLURALS,
    NounSpan,
    measure_positions,
    scan_numbers,
    total_weight_grams,
)

FALLBACK_CATEGORY = "DIV"
NOTHING_MATCHED_CONFIDENCE = 25
MAX_ALTERNATIVES = 3

# How much a noun weighs by its role in the sentence. French puts the head noun first
# ("écran d'ordinateur" is a screen); what follows "de"/"pour" qualifies it, and what
# follows "avec" is an accessory ("tablette avec sa housse").
HEAD_FACTOR = 1.5
LISTED_FACTOR = 0.7
COMPLEMENT_FACTOR = 0.45
ACCESSORY_FACTOR = 0.3
FUZZY_FACTOR = 0.75
ELECTRIC_ALONE_WEIGHT = 0.6  # "un truc électrique": open scope says EEE, size unknown
_PREPOSITIONS = frozenset({"de", "d", "du", "a", "au", "aux", "en", "pour", "sur"})
_SEGMENT_BREAKS = frozenset({BREAK, "et", "avec", "puis", "ainsi"})
# "grand-mère", "petite-fille": family words, not size cues.
_FAMILY_WORDS = word_set(
    """
    mere pere parent parents oncle tante fils fille filles enfant enfants
    """
)

# Words for any item of a kind: "une commode, un meuble en chêne" names one item, and
# "cinq livres, trois romans et deux BD" five.
_KIND_WORDS = word_set(
    "meuble mobilier appareil machine jouet jeu vetement habit fringue outil livre bouquin"
)

# Siblings offered as alternatives when nothing else scored (the volunteer's likely fix).
_NEIGHBOURS = {
    "EEE-1": ("EEE-4", "EEE-5"),
    "EEE-2": ("EEE-6", "EEE-5"),
    "EEE-3": ("EEE-5", "EEE-4"),
    "EEE-4": ("EEE-5", "EEE-1"),
    "EEE-5": ("EEE-4", "EEE-6"),
    "EEE-6": ("EEE-5", "EEE-2"),
    "EEE-7": ("EEE-5", "EEE-4"),
    "MOB": ("DEC", "DIV"),
    "TLC": ("DIV", "DEC"),
    "JOU": ("SPO", "EEE-5"),
    "SPO": ("JOU", "DIV"),
    "BRI": ("EEE-5", "DIV"),
    "LIV": ("DIV", "JOU"),
    "VAI": ("DEC", "DIV"),
    "DEC": ("VAI", "DIV"),
    "DIV": ("DEC", "MOB"),
}


@dataclass(frozen=True, slots=True)
class LocalClassification:
    """What the offline classifier understood from a description."""

    category: str
    confidence: int
    alternatives: tuple[tuple[str, int], ...]
    quantity: int | None
    weight_grams: int | None
    normalized_text: str


@dataclass(frozen=True, slots=True)
class _Modifiers:
    """Cues of one clause that move an item to a sibling category."""

    electric: bool = False
    manual: bool = False
    size: str | None = None  # "large" or "small"
    electric_brand: bool = False  # only moves items that have an electric variant


def classify_text(
    text: str, allowed: Collection[str] | None = None, *, evidence: Evidence | None = None
) -> LocalClassification:
    """Classify a French description; `allowed` restricts the answer to active categories,
    `evidence` (a site's memory of validated deposits) adds its scores to the lexicon's."""
    if allowed is not None and not allowed:
        raise ValueError("allowed categories must not be empty")
    normalized = normalize_text(text)
    tokens = normalized.split()
    matcher = get_matcher()
    words = [matcher.fold(token) for token in tokens]
    matches = matcher.find_matches(words, tokens)
    scan = scan_numbers(tokens)
    items = _resolve_holders(
        [m for m in matches if m.entry.kind in (Kind.ITEM, Kind.CONTAINER)], tokens
    )
    measures = measure_positions(tokens, scan, {m.start: m.entry.tokens[0] for m in items})
    # "armoire deux portes": the unit noun of a measure is not an item ("45 tours" still is).
    items = [m for m in items if m.start not in measures or tokens[m.start][0].isdigit()]
    nouns = [
        _noun_span(m, tokens, words, matcher.lexicon) for m in items if m.start not in measures
    ]
    cues = [m for m in matches if m.entry.kind in (Kind.BRAND, Kind.CUE)]
    brands = {m.start: _codes(m.entry) for m in cues if m.entry.kind is Kind.BRAND}
    folded = [w.word for w in words]
    quantity = count_items(tokens, folded, scan, measures, nouns, brands)
    weight = total_weight_grams(scan, tokens, [m.start for m in items])
    if weight is not None and quantity is not None and scan.weight_is_per_item:
        weight *= quantity
    if evidence is not None:  # "toupin" is not a typo of "toupie" where people say it
        items = [m for m in items if not _taught(m, tokens, words, evidence)]
    scores = _score(tokens, words, items, cues, matcher.lexicon)
    if evidence is not None:
        for code, score in evidence.evidence(content_words(tokens, words)).items():
            scores[code] += score
    category, confidence, alternatives = _rank(scores, allowed)
    return LocalClassification(category, confidence, alternatives, quantity, weight, normalized)


def _taught(
    match: Match, tokens: Sequence[str], words: Sequence[Folded], evidence: Evidence
) -> bool:
    """True when a typo guess lands on a word the site's people agreed on, as said."""
    return match.fuzzy and any(
        words[i].fuzzy and evidence.knows(as_said(tokens[i])) for i in range(match.start, match.end)
    )


def _resolve_holders(items: list[Match], tokens: Sequence[str]) -> list[Match]:
    """Turn "pile"/"jeu" into containers when "de" + another item follows them."""
    resolved: list[Match] = []
    for position, match in enumerate(items):
        following = items[position + 1] if position + 1 < len(items) else None
        if (
            match.entry.holder
            and following is not None
            and following.start - match.end <= 2
            and tokens[match.end : match.end + 1] in (["de"], ["d"])
        ):
            match = Match(match.start, match.end, match.entry.as_container(), match.fuzzy)
        resolved.append(match)
    return resolved


def _noun_span(
    match: Match, tokens: Sequence[str], words: Sequence[Folded], lexicon: Lexicon
) -> NounSpan:
    """The quantity rules' view of a matched noun."""
    entry = match.entry
    surface = tokens[match.start]
    plural = words[match.start].plural and surface not in COLLECTIVE_PLURALS
    hypernym = len(entry.tokens) == 1 and entry.tokens[0] in _KIND_WORDS
    return NounSpan(
        match.start,
        match.end,
        plural,
        entry.kind is Kind.CONTAINER,
        head=entry.tokens[0],
        codes=_codes(entry),
        hypernym=hypernym,
        brand=entry.tokens in lexicon.brand_names,
    )


def _codes(entry: Entry) -> frozenset[str]:
    """Every category an entry may stand for, its variants included."""
    variants = (entry.electric, entry.manual, entry.large, entry.small)
    return frozenset(code for code, _ in entry.weights) | {v for v in variants if v}


def _segments(tokens: Sequence[str]) -> tuple[list[int], list[bool]]:
    """Segment number of each token, and whether it belongs to an "avec" clause."""
    segment_of: list[int] = []
    accessory: list[bool] = []
    segment, in_accessory = 0, False
    for word in tokens:
        if word in _SEGMENT_BREAKS:
            segment += 1
            in_accessory = word == "avec" or (in_accessory and word != BREAK)
        segment_of.append(segment)
        accessory.append(in_accessory)
    return segment_of, accessory


def _score(
    tokens: Sequence[str],
    words: Sequence[Folded],
    items: Sequence[Match],
    cues: Sequence[Match],
    lexicon: Lexicon,
) -> dict[str, float]:
    """Sum the evidence for each category."""
    segment_of, accessory = _segments(tokens)
    modifiers = _modifiers(words, items, cues, segment_of, lexicon)
    scores: dict[str, float] = defaultdict(float)
    head_taken = False
    previous: dict[int, Match] = {}
    for match in items:
        segment = segment_of[match.start]
        before = previous.get(segment)
        after_container = before is None or before.entry.kind is Kind.CONTAINER
        if match.entry.head_only and not after_container:
            continue  # "radio portable": an adjective here, not a phone
        if accessory[match.start]:
            factor = ACCESSORY_FACTOR
        elif match.entry.kind is Kind.CONTAINER:
            factor = 1.0
        elif not head_taken and after_container:
            factor, head_taken = HEAD_FACTOR, True
        elif not after_container and tokens[match.start - 1] in _PREPOSITIONS:
            factor = COMPLEMENT_FACTOR
        else:
            factor = LISTED_FACTOR
        if match.fuzzy:
            factor *= FUZZY_FACTOR
        mods = modifiers.get(segment, _Modifiers())
        for code, weight in match.entry.weights:
            scores[_variant(match.entry, code, mods)] += weight * factor
        previous[segment] = match
    for match in cues:
        factor = ACCESSORY_FACTOR if accessory[match.start] else 1.0
        for code, weight in match.entry.weights:
            scores[code] += weight * factor * (FUZZY_FACTOR if match.fuzzy else 1.0)
    for segment, mods in modifiers.items():
        if mods.electric and not any(segment_of[m.start] == segment for m in items):
            scores["EEE-5"] += ELECTRIC_ALONE_WEIGHT
    return scores


def _variant(entry: Entry, code: str, mods: _Modifiers) -> str:
    """The category of an item once its clause's modifiers are applied."""
    if entry.kind is Kind.CONTAINER:
        return code
    if mods.manual and entry.manual:
        return entry.manual
    if mods.electric_brand and entry.electric:
        return entry.electric
    if mods.electric:
        if entry.electric:
            return entry.electric
        if not code.startswith("EEE"):
            return "EEE-5"  # open scope: an electric version of anything is EEE
    if mods.size == "large" and entry.large:
        return entry.large
    if mods.size == "small" and entry.small:
        return entry.small
    return code


def _modifiers(
    words: Sequence[Folded],
    items: Sequence[Match],
    cues: Sequence[Match],
    segment_of: Sequence[int],
    lexicon: Lexicon,
) -> dict[int, _Modifiers]:
    """Find electric/manual/size cues outside matched phrases, per segment."""
    covered = {i for match in items for i in range(match.start, match.end)}
    found: dict[int, dict[str, bool]] = defaultdict(dict)
    for match in cues:
        # "presse-agrumes Braun": a brand that only makes electrical goods means electric.
        weights = match.entry.weights
        if match.entry.kind is Kind.BRAND and len(weights) == 1 and weights[0][0].startswith("EEE"):
            found[segment_of[match.start]]["electric_brand"] = True
    for index, word in enumerate(words):
        candidates = lexicon.modifiers.get(word.word)
        if not candidates or index in covered or _at(words, index + 1) in _FAMILY_WORDS:
            continue
        for phrase, name in candidates:
            if all(_at(words, index + k) == part for k, part in enumerate(phrase)):
                found[segment_of[index]][name] = True
    return {segment: _combine_modifiers(flags) for segment, flags in found.items()}


def _at(words: Sequence[Folded], index: int) -> str:
    """The folded word at `index`, or an empty string past the end."""
    return words[index].word if index < len(words) else ""


def _combine_modifiers(flags: dict[str, bool]) -> _Modifiers:
    """Explicit adjectives ("petit", "gros") win over contextual hints ("sur pied")."""
    large, small = flags.get("large", False), flags.get("small", False)
    if not large and not small:
        large, small = flags.get("large_hint", False), flags.get("small_hint", False)
    size = "large" if large and not small else "small" if small and not large else None
    return _Modifiers(
        flags.get("electric", False),
        flags.get("manual", False),
        size,
        flags.get("electric_brand", False),
    )


def _rank(
    scores: dict[str, float], allowed: Collection[str] | None
) -> tuple[str, int, tuple[tuple[str, int], ...]]:
    """Pick the best allowed category with a calibrated confidence and alternatives."""
    ranked = sorted(
        ((code, score) for code, score in scores.items() if score > 0),
        key=lambda item: (-item[1], CATEGORY_CODES.index(item[0])),
    )
    if allowed is not None:
        ranked = [(code, score) for code, score in ranked if code in allowed]
    if not ranked:
        category = _fallback(allowed)
        return category, NOTHING_MATCHED_CONFIDENCE, _padding(category, 25, allowed, ())
    best_code, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = _confidence(best, second)
    alternatives = tuple(
        (code, max(1, min(confidence - 1, round(confidence * score / best))))
        for code, score in ranked[1 : 1 + MAX_ALTERNATIVES]
    )
    if not alternatives:
        alternatives = _padding(best_code, confidence, allowed, ())
    return best_code, confidence, alternatives


def _confidence(best: float, second: float) -> int:
    """Confidence grows with the evidence and with its lead over the runner-up."""
    evidence = 1.0 - math.exp(-best / 2.0)
    dominance = best / (best + second)
    return max(20, min(95, round(20 + 75 * evidence * math.pow(dominance, 1.5))))


def _fallback(allowed: Collection[str] | None) -> str:
    """DIV when allowed, else the first allowed code in the reference order."""
    if allowed is None or FALLBACK_CATEGORY in allowed:
        return FALLBACK_CATEGORY
    known = [code for code in CATEGORY_CODES if code in allowed]
    return known[0] if known else sorted(allowed)[0]


def _padding(
    category: str, confidence: int, allowed: Collection[str] | None, taken: tuple[str, ...]
) -> tuple[tuple[str, int], ...]:
    """Low-confidence sibling suggestions when nothing else scored."""
    share = max(1, (100 - confidence) // 4)
    padded: list[tuple[str, int]] = []
    for code in _NEIGHBOURS.get(category, ()):
        if code != category and code not in taken and (allowed is None or code in allowed):
            padded.append((code, max(1, min(confidence - 1, share))))
            share = max(1, share // 2)
    return tuple(padded)
