"""The classifier's lexicon: entries, modifier cues, and the lazily built phrase index.

Category choices for ambiguous items (conventions of categories.md, completed where silent):

- lampe de chevet / de bureau, lustre -> EEE-5: light fixture, small
- lampadaire, lampe sur pied, halogène -> EEE-4: fixture > 50 cm; "petit …" gives EEE-5
- ampoule, néon, tube fluorescent -> EEE-3: lamps
- four -> EEE-4: "mini four", "four micro-ondes": EEE-5
- radiateur bain d'huile -> EEE-1: categories.md
- radiateur électrique, convecteur -> EEE-5: "grand radiateur": EEE-4
- ventilateur -> EEE-5: "sur pied"/"grand": EEE-4 (size rule)
- tondeuse (à gazon) -> EEE-4: "thermique"/"manuelle": BRI
- tronçonneuse, taille-haie, souffleur -> EEE-5: open scope; "thermique": BRI
- nettoyeur haute pression (Karcher) -> EEE-5: "gros …": EEE-4
- vélo / trottinette électrique, VAE -> EEE-5: electrical (open scope), as e-scooters
- vélo, trottinette, vélo d'appartement -> SPO: non-electric by default
- tapis de course -> EEE-4: motorised and large
- jouet électrique, voiture télécommandée -> EEE-5: electric toys
- console, manette -> EEE-6: computing devices
- jeux vidéo (discs, cartridges) -> LIV: media
- liseuse -> EEE-2: screen > 100 cm²
- montre -> DIV: accessory; "montre connectée": EEE-6
- table à repasser, cintre, étendoir -> DIV: household items, not furniture
- couette, oreiller, traversin, plaid -> TLC: household linen; matelas/sommier are MOB
- coussin, rideau, nappe -> TLC: household linen
- tapis (rug) -> DEC: not linen; "tapis de bain" TLC
- sac à main, ceinture, chapeau -> TLC: clothing accessories
- sac à dos, valise, lunettes, bijoux -> DIV
- poussette, siège auto, porte-bébé -> DIV: childcare, neither toy nor furniture
- lit bébé, chaise haute, table à langer -> MOB: furniture
- mobilier de jardin, parasol, transat -> MOB: garden furniture is furniture
- barbecue (charbon/gaz), pot de fleurs -> BRI: garden; "barbecue électrique": EEE-5
- instruments de musique -> SPO: leisure; "guitare électrique" stays SPO (passive pickups);
  "piano numérique": EEE-4
- tricycle, draisienne -> JOU / SPO: toy / balance bike
- déguisement -> JOU: play item
- figurine -> JOU: "figurine en porcelaine": DEC
- poêle -> VAI: frying pan; "poêle à granulés": EEE-4; "poêle à bois/pétrole": DIV
- cafetière, moulin à café, balance -> EEE-5: "manuel(le)" or "à piston/italienne": VAI
- boîte à outils, caisse à outils -> BRI: an item, not a container
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache

from . import lexicon_brands, lexicon_eee, lexicon_home, lexicon_leisure
from .normalize import BREAK, STOPWORDS, normalize_text

CATEGORY_CODES = (
    "EEE-1",
    "EEE-2",
    "EEE-3",
    "EEE-4",
    "EEE-5",
    "EEE-6",
    "EEE-7",
    "MOB",
    "TLC",
    "JOU",
    "SPO",
    "BRI",
    "LIV",
    "VAI",
    "DEC",
    "DIV",
)

NOUN_WEIGHT = 3.0  # a specific item noun ("aspirateur")
GENERIC_WEIGHT = 1.5  # a vague one ("appareil", "machine")
CUE_WEIGHT = 0.6  # context words ("porcelaine", "jardin")
CONTAINER_WEIGHT = 0.3
BRAND_WEIGHT = 1.6  # a brand naming one kind of item ("Nespresso")
PHRASE_BONUS = 0.4  # per extra word: "lampe de chevet" beats "lampe" and "chevet"

# Modifiers that move an item to a sibling category (see the variants in the data).
ELECTRIC_CUES = (
    "electrique, electronique, a pile, sur secteur, rechargeable, motorise, motorisee, "
    "connecte, connectee, numerique, lumineux, lumineuse, a batterie, telecommande, "
    "telecommandee, sans fil, led"
)
MANUAL_CUES = "thermique, a essence, essence, manuel, manuelle, mecanique, a gaz, a main, a petrole"
LARGE_CUES = (
    "grand, grande, gros, grosse, enorme, immense, xxl, geant, geante, professionnel, "
    "professionnelle, industriel, industrielle"
)
LARGE_HINTS = "sur pied, de sol, colonne, familial, familiale"
SMALL_CUES = "petit, petite, mini, miniature"
SMALL_HINTS = (
    "de bureau, de table, a poser, de poche, de voyage, portatif, portative, compact, compacte, "
    "nomade, posable"
)


class Kind(Enum):
    """What an entry says about the description."""

    ITEM = "item"
    CONTAINER = "container"
    BRAND = "brand"
    CUE = "cue"


@dataclass(frozen=True, slots=True)
class Entry:
    """A lexicon phrase and the categories it points to."""

    tokens: tuple[str, ...]
    kind: Kind
    weights: tuple[tuple[str, float], ...]
    head_only: bool = False  # adjectival words ("portable") count only as the first noun
    holder: bool = False  # "pile", "jeu": a container when followed by "de" + an item
    electric: str | None = None
    manual: str | None = None
    large: str | None = None
    small: str | None = None

    @property
    def category(self) -> str:
        """The main category of the entry."""
        return self.weights[0][0]

    def as_container(self) -> Entry:
        """This entry used as a container ("une pile de magazines")."""
        return replace(self, kind=Kind.CONTAINER, weights=((self.category, CONTAINER_WEIGHT),))


_ENTRY = re.compile(
    r"^(?P<phrase>[^\[=]+?)\s*(?:=(?P<weight>[\d.]+))?\s*(?:\[(?P<notes>[^\]]*)\])?$"
)


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """Content tokens of a lexicon phrase ("machine à laver" -> ("machine", "laver"))."""
    return tuple(t for t in normalize_text(phrase).split() if t not in STOPWORDS and t != BREAK)


def _many_phrase_tokens(phrases: list[str]) -> list[tuple[str, ...]]:
    """Content tokens of many phrases with one normalisation pass (the build stays fast)."""
    joined = normalize_text(" , ".join(phrases)).split(f" {BREAK} ")
    if len(joined) != len(phrases):  # a phrase vanished in normalisation: do them one by one
        return [phrase_tokens(phrase) for phrase in phrases]
    return [tuple(t for t in part.split() if t not in STOPWORDS) for part in joined]


def _split_block(block: str) -> Iterator[str]:
    """Split a data block into raw entries (comma-separated; line breaks are spaces)."""
    for raw in block.split(","):
        raw = " ".join(raw.split())
        if raw:
            yield raw


def _parse_entries(block: str, category: str, kind: Kind, weight: float) -> Iterator[Entry]:
    """Parse one data block into entries of `category`."""
    raws = list(_split_block(block))
    matches = [_ENTRY.match(raw) for raw in raws]
    for raw, match in zip(raws, matches, strict=True):
        if match is None:
            raise ValueError(f"bad lexicon entry: {raw!r}")
    found = [match for match in matches if match is not None]
    phrases = _many_phrase_tokens([match["phrase"] for match in found])
    for raw, match, tokens in zip(raws, found, phrases, strict=True):
        notes = dict(_parse_note(note) for note in (match["notes"] or "").split())
        if not tokens:
            raise ValueError(f"lexicon entry without content words: {raw!r}")
        entry_kind = Kind.CONTAINER if "container" in notes else kind
        entry_weight = float(match["weight"]) if match["weight"] else weight
        if entry_kind is Kind.CONTAINER:
            entry_weight = CONTAINER_WEIGHT
        yield Entry(
            tokens,
            entry_kind,
            ((category, entry_weight + PHRASE_BONUS * (len(tokens) - 1)),),
            head_only="head" in notes,
            holder="holder" in notes,
            electric=notes.get("electric"),
            manual=notes.get("manual"),
            large=notes.get("large"),
            small=notes.get("small"),
        )


def _parse_note(note: str) -> tuple[str, str]:
    """Parse "small=EEE-5" or a flag such as "head"."""
    key, _, value = note.partition("=")
    return key, value


def _brand_entries() -> Iterator[Entry]:
    """Entries for brands and product names."""
    for category, block in lexicon_brands.SINGLE.items():
        parts = [raw.partition("=") for raw in _split_block(block)]
        names = _many_phrase_tokens([name for name, _, _ in parts])
        for tokens, (_, _, weight) in zip(names, parts, strict=True):
            share = float(weight) if weight else 1.0
            yield Entry(tokens, Kind.BRAND, ((category, BRAND_WEIGHT * share),))
    for name, spec in lexicon_brands.SPREAD.items():
        weights = tuple(
            (code, BRAND_WEIGHT * float(share))
            for code, _, share in (part.partition(":") for part in spec.split())
        )
        yield Entry(phrase_tokens(name), Kind.BRAND, weights)
    for platform in _split_block(lexicon_brands.GAME_PLATFORMS):
        tokens = ("jeu", *phrase_tokens(platform))
        yield Entry(tokens, Kind.ITEM, (("LIV", NOUN_WEIGHT + PHRASE_BONUS * len(tokens)),))
    for maker in lexicon_brands.LAPTOP_MAKERS.split():
        yield Entry(("portable", maker), Kind.ITEM, (("EEE-2", NOUN_WEIGHT + PHRASE_BONUS),))
        yield Entry(("ordinateur", maker), Kind.ITEM, (("EEE-6", NOUN_WEIGHT + PHRASE_BONUS),))


def _all_entries() -> Iterator[Entry]:
    """Every entry of the data modules, items first so that they win duplicates."""
    modules = (lexicon_eee, lexicon_home, lexicon_leisure)
    for module in modules:
        for category, block in module.NOUNS.items():
            yield from _parse_entries(block, category, Kind.ITEM, NOUN_WEIGHT)
    for module in modules:
        for category, block in module.GENERIC.items():
            yield from _parse_entries(block, category, Kind.ITEM, GENERIC_WEIGHT)
    yield from _brand_entries()
    for module in modules:
        for category, block in module.CUES.items():
            yield from _parse_entries(block, category, Kind.CUE, CUE_WEIGHT)


def _merge(entries: Iterable[Entry]) -> tuple[dict[tuple[str, ...], Entry], list[str]]:
    """Merge entries by phrase; report items that point to two categories."""
    merged: dict[tuple[str, ...], Entry] = {}
    conflicts: list[str] = []
    for entry in entries:
        known = merged.get(entry.tokens)
        if known is None:
            merged[entry.tokens] = entry
        elif known.kind is entry.kind and entry.kind in (Kind.CUE, Kind.BRAND):
            merged[entry.tokens] = _combine(known, entry)
        elif known.kind is not Kind.CUE and known.category != entry.category:
            conflicts.append(f"{' '.join(entry.tokens)}: {known.category} vs {entry.category}")
    return merged, conflicts


def _combine(first: Entry, second: Entry) -> Entry:
    """Add the category weights of two cue or brand entries for the same phrase."""
    weights: dict[str, float] = defaultdict(float)
    for code, weight in first.weights + second.weights:
        weights[code] += weight
    ranked = tuple(sorted(weights.items(), key=lambda item: -item[1]))
    return Entry(first.tokens, first.kind, ranked)


def _modifier_index() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """Modifier cue phrases by first word, with the modifier they stand for.

    Stopwords are kept in these phrases ("sur pied", "a pile"): they are matched on the whole
    token list, not on content words.
    """
    specs = {
        "electric": ELECTRIC_CUES,
        "manual": MANUAL_CUES,
        "large": LARGE_CUES,
        "large_hint": LARGE_HINTS,
        "small": SMALL_CUES,
        "small_hint": SMALL_HINTS,
    }
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for name, spec in specs.items():
        for raw in _split_block(spec):
            phrase = tuple(normalize_text(raw).split())
            by_first[phrase[0]].append((phrase, name))
    return {first: tuple(group) for first, group in by_first.items()}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The compiled lexicon: a first-token index of phrases and the modifier cues."""

    index: dict[str, tuple[Entry, ...]]
    vocabulary: frozenset[str]
    conflicts: tuple[str, ...]
    modifiers: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    # Brand and product names, also those an item entry took over ("monopoly", "iphone"):
    # "un téléphone, un iPhone" names one phone.
    brand_names: frozenset[tuple[str, ...]] = frozenset()

    @property
    def entries(self) -> Iterator[Entry]:
        """Every entry once."""
        for candidates in self.index.values():
            yield from candidates


@cache
def get_lexicon() -> Lexicon:
    """Build the lexicon once, on first use (about 20 ms)."""
    entries = list(_all_entries())
    merged, conflicts = _merge(entries)
    brand_names = frozenset(entry.tokens for entry in entries if entry.kind is Kind.BRAND)
    by_first: dict[str, list[Entry]] = defaultdict(list)
    for entry in merged.values():
        by_first[entry.tokens[0]].append(entry)
    index = {
        first: tuple(sorted(group, key=lambda e: -len(e.tokens)))
        for first, group in by_first.items()
    }
    modifiers = _modifier_index()
    vocabulary = {token for entry in merged.values() for token in entry.tokens}
    vocabulary.update(t for group in modifiers.values() for phrase, _ in group for t in phrase)
    return Lexicon(index, frozenset(vocabulary), tuple(conflicts), modifiers, brand_names)
