"""Weight and quantity extraction from a normalised description, following spec §6."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .normalize import BREAK, tokenize, word_set
from .numbers import NumberSpan, find_numbers

KILO_UNITS = frozenset({"kilo", "kilos", "kg", "kgs", "kilogramme", "kilogrammes", "kgr"})
GRAM_UNITS = frozenset({"g", "gr", "grs", "gramme", "grammes"})
TONNE_UNITS = frozenset({"tonne", "tonnes"})
CORRECTION_MARKERS = frozenset({"non", "pardon", "plutot", "enfin", "oups", "dire"})
_PER_ITEM_WORDS = frozenset({"chacun", "chacune", "piece", "unite"})
_RANGE_WORDS = frozenset({"a", "et", "ou"})

# A number followed by a unit is a dimension or a feature, never a count ("40 pouces").
_STRICT_MEASURES = word_set(
    """
    pouce pouces cm centimetre centimetres mm millimetre millimetres m metre metres km l
    litre litres cl ml w watt watts kw v volt volts ampere amperes mah ch cv chevaux to go
    mo ko gb tb mb an ans mois semaine semaines jour jours heure heures h minute minutes min
    seconde secondes euro euros degre degres bar bars pourcent rpm
    """
)
# Feature nouns: "armoire deux portes", "canapé trois places" — counts only when nothing
# before them names an item ("trois tiroirs" alone is three drawers).
_ATTRIBUTE_NOUNS = word_set(
    """
    carte cartes
    place places porte portes tiroir tiroirs fente fentes feu feux foyer foyers bruleur
    bruleurs bouteille bouteilles piece pieces personne personnes volume volumes tome tomes
    roue roues etage etages niveau niveaux branche branches couleur couleurs page pages
    borne bornes famille familles joueur joueurs case cases vitesse vitesses plateau
    plateaux lame lames programme programmes tasse tasses couvert couverts couchage
    couchages element elements corde cordes touche touches tour tours plaque plaques marche
    marches vantail vantaux
    """
)
# Normalisation turns "-3" into "3"; a reply with a minus sign is refused before that.
_NEGATIVE = re.compile(r"(?:^|[\s(])[-−]\s*\d")
_VINYL_SPEEDS = frozenset({33.0, 45.0, 78.0})
# Words before a number that make it a label, not a count ("taille 38", "années 80").
_LABEL_WORDS = word_set(
    """
    taille pointure modele type numero no serie annee annees version generation gen ref
    reference iphone galaxy playstation ps windows
    """
)
PLURAL_DETERMINERS = word_set(
    """
    des les mes tes ses nos vos leurs ces plusieurs quelques certains certaines nombreux
    nombreuses differents differentes
    """
)
DETERMINERS = PLURAL_DETERMINERS | word_set(
    """
    un une le la l mon ma ton ta son sa ce cet cette
    """
)
SEPARATORS = frozenset({BREAK, "et", "puis", "ainsi"})
# Words that follow a determiner without being the item ("un peu", "un petit", "une autre").
NOT_NOUNS = word_set(
    """
    peu petit petite grand grande gros grosse vieux vieil vieille beau bel belle joli jolie
    autre seul seule meme bon bonne ancien ancienne nouveau nouvelle vrai vraie sorte espece
    genre est
    """
)
# Plural-looking words that are one object (spec: "couverts en inox" is one set).
COLLECTIVE_PLURALS = frozenset({"couverts", "ciseaux", "lunettes", "jumelles", "tenailles"})
_INVARIABLE = word_set(
    """
    bras bois fois mois pays prix croix voix noix choix gaz nez riz dos repas tapis souris
    matelas tennis velours puzzle jus ours corps temps poids
    """
)


@dataclass(frozen=True, slots=True)
class NounSpan:
    """A noun the lexicon recognised at tokens [start, end)."""

    start: int
    end: int
    plural: bool
    container: bool = False  # "carton", "sac", "lot", "paire": what they hold is the item
    head: str = ""  # the lexicon form of its first word ("chaise" for "chaises de jardin")
    codes: frozenset[str] = frozenset()  # the categories it may stand for
    hypernym: bool = False  # "un meuble", "un appareil": a name for any item of its kind
    brand: bool = False  # a brand or product name ("un Nokia", "un Monopoly")


@dataclass(frozen=True, slots=True)
class WeightMention:
    """A weight stated in the text, in kilograms, over tokens [start, end)."""

    start: int
    end: int
    kg: float
    corrected: bool  # a correction marker stands between the previous weight and this one
    attributive: bool = False  # "deux chaises de 4 kilos": the weight of each item


@dataclass(frozen=True, slots=True)
class NumberScan:
    """Numbers of a description, with the weights among them."""

    numbers: tuple[NumberSpan, ...]
    weights: tuple[WeightMention, ...]
    weight_positions: frozenset[int]
    per_item: bool  # "5 kilos chacune": the weight is per item

    @property
    def weight_is_per_item(self) -> bool:
        """True when the only weight stated applies to each item ("de 4 kilos", "chacun")."""
        return self.per_item or (len(self.weights) == 1 and self.weights[0].attributive)


def _unit_factor(token: str) -> float | None:
    """Kilograms per unit for a weight unit token, or None."""
    if token in KILO_UNITS:
        return 1.0
    if token in GRAM_UNITS:
        return 0.001
    if token in TONNE_UNITS:
        return 1000.0
    return None


def _at(tokens: Sequence[str], index: int) -> str:
    """Token at `index`, or a clause break past the end."""
    return tokens[index] if 0 <= index < len(tokens) else BREAK


def _read_weight(
    tokens: Sequence[str], spans: Sequence[NumberSpan], position: int
) -> tuple[float, int] | None:
    """Read "N kilos (et demi)", "N g", "un demi kilo" at spans[position]; return (kg, end)."""
    span = spans[position]
    end, value = span.end, span.value
    if _at(tokens, end) == "demi" and _unit_factor(_at(tokens, end + 1)) == 1.0:
        return (0.5 if span.value == 1 else span.value + 0.5), end + 2
    factor = _unit_factor(_at(tokens, end))
    if factor is None and span.approximate and _at(tokens, end) == "de":
        end += 1  # "une dizaine de kilos"
        factor = _unit_factor(_at(tokens, end))
    if factor is None:
        return None
    end += 1
    if _at(tokens, end) == "et" and _at(tokens, end + 1) == "demi":
        return (value + 0.5) * factor, end + 2
    following = spans[position + 1] if position + 1 < len(spans) else None
    # "3 kilos 500": grams after the kilos, when nothing follows that could be a count.
    if (
        factor == 1.0
        and following is not None
        and following.start == end
        and 100 <= following.value < 1000
        and _at(tokens, following.end) in (BREAK, "environ", "de", "d")
    ):
        return value + following.value / 1000, following.end
    return value * factor, end


def scan_numbers(tokens: Sequence[str]) -> NumberScan:
    """Find the numbers of a description and which of them state a weight."""
    spans = find_numbers(tokens)
    weights: list[WeightMention] = []
    used: set[int] = set()
    last_unit_end = -1
    for position, span in enumerate(spans):
        if span.start in used:
            continue
        read = _read_weight(tokens, spans, position)
        start = span.start
        if read is None:
            read = _read_correction(tokens, span, weights)
        if read is None:
            continue
        kg, end = read
        previous = spans[position - 1] if position else None
        if previous is not None and _is_range_start(tokens, previous, span, used):
            factor = kg / span.value if span.value else 1.0
            kg = (previous.value * factor + kg) / 2
            start = previous.start
        corrected = bool(weights) and _has_correction(tokens, weights[-1].end, start)
        attributive = start > 1 and _at(tokens, start - 1) in ("de", "d")
        weights.append(WeightMention(start, end, kg, corrected, attributive))
        used.update(range(start, end))
        last_unit_end = end
    per_item = last_unit_end >= 0 and any(
        _at(tokens, index) in _PER_ITEM_WORDS for index in range(last_unit_end, last_unit_end + 3)
    )
    return NumberScan(tuple(spans), tuple(weights), frozenset(used), per_item)


def _is_range_start(
    tokens: Sequence[str], previous: NumberSpan, span: NumberSpan, used: set[int]
) -> bool:
    """True for "entre 10 et 15 kilos", "40 ou 50 kg": previous number opens a range."""
    adjacent = previous.end == span.start  # "2-3 kilos" (the hyphen became a space)
    joined = previous.end + 1 == span.start and _at(tokens, previous.end) in _RANGE_WORDS
    return (
        previous.start not in used
        and (adjacent or joined)
        and not previous.article
        and 0 < previous.value < span.value
    )


def _read_correction(
    tokens: Sequence[str], span: NumberSpan, weights: Sequence[WeightMention]
) -> tuple[float, int] | None:
    """A bare number right after a correction of a weight ("12 kilos, non 14") is a weight."""
    if not weights or _at(tokens, span.end) not in (BREAK, "environ"):
        return None
    if not _has_correction(tokens, weights[-1].end, span.start):
        return None
    return span.value, span.end


def _has_correction(tokens: Sequence[str], start: int, end: int) -> bool:
    """True when a self-correction marker lies in tokens [start, end)."""
    return any(tokens[index] in CORRECTION_MARKERS for index in range(max(start, 0), end))


def total_weight_grams(
    scan: NumberScan, tokens: Sequence[str], item_starts: Sequence[int]
) -> int | None:
    """Combine the stated weights: a correction replaces, separate items add up."""
    total: float | None = None
    previous_end = -1
    for weight in scan.weights:
        if total is None or weight.corrected:
            total = weight.kg
        elif any(previous_end <= start < weight.start for start in item_starts):
            total += weight.kg
        else:
            total = weight.kg  # a restatement of the same weight
        previous_end = weight.end
    return grams_from_kg(total)


def grams_from_kg(kg: float | None) -> int | None:
    """Kilograms to integer grams; None when missing, not positive or absurd (> 10 t)."""
    if kg is None or kg <= 0 or kg > 10_000:
        return None
    grams = round(kg * 1000)
    return grams if grams > 0 else None


def measure_positions(
    tokens: Sequence[str], scan: NumberScan, item_heads: Mapping[int, str]
) -> frozenset[int]:
    """Token positions of numbers that are dimensions or features, with their unit.

    `item_heads` maps the start of each item noun to its lexicon form: "une cafetière huit
    tasses" measures the coffee maker, but "des tasses, huit tasses" counts the cups again.
    """
    first_item = min(item_heads, default=len(tokens))
    positions: set[int] = set()
    for span in scan.numbers:
        if span.start in scan.weight_positions:
            continue
        following = _at(tokens, span.end)
        covered = range(span.start, span.end)
        if _is_label_number(tokens, span) or not span.is_integer:
            positions.update(covered)
        elif (
            following in _STRICT_MEASURES
            or (following in ("tour", "tours") and span.value in _VINYL_SPEEDS)
            or (
                following in _ATTRIBUTE_NOUNS
                and first_item < span.start
                and not _names_again(item_heads, span.end)
            )
        ):
            positions.update(covered)
            positions.add(span.end)
    return frozenset(positions)


def _names_again(item_heads: Mapping[int, str], position: int) -> bool:
    """True when the noun at `position` is an item already named before it."""
    head = item_heads.get(position)
    return head is not None and any(
        start < position and earlier == head for start, earlier in item_heads.items()
    )


def _is_label_number(tokens: Sequence[str], span: NumberSpan) -> bool:
    """Years, "taille 38", "1 mètre 20": numbers that name or measure rather than count."""
    before = _at(tokens, span.start - 1)
    if before in _LABEL_WORDS or before in _STRICT_MEASURES:
        return True
    return (
        span.end - span.start == 1 and tokens[span.start].isdigit() and 1900 <= span.value <= 2100
    )


def is_plural_word(token: str) -> bool:
    """Guess whether an unknown word is a plural from its ending."""
    return len(token) > 3 and token[-1] in "sx" and token not in _INVARIABLE


def parse_weight_reply(text: str) -> int | None:
    """Parse a reply to "what weight?" ("12", "12,5 kg", "douze kilos", "500 g") into grams."""
    if _NEGATIVE.search(text):
        return None
    tokens = tokenize(text)
    scan = scan_numbers(tokens)
    if scan.weights:
        return total_weight_grams(scan, tokens, ())
    bare = [span for span in scan.numbers if _is_bare(tokens, span)]
    return grams_from_kg(bare[-1].value) if bare else None


def _is_bare(tokens: Sequence[str], span: NumberSpan) -> bool:
    """True when nothing but approximation words follows the number."""
    rest = [token for token in tokens[span.end :] if token not in ("environ", "a", "peu", "pres")]
    return not [token for token in rest if token != BREAK]


def parse_quantity_reply(text: str) -> int | None:
    """Parse a reply to "how many?" ("3", "trois", "une dizaine") into 1..10,000."""
    if _NEGATIVE.search(text):
        return None
    spans = [span for span in find_numbers(tokenize(text)) if span.is_integer]
    if not spans:
        return None
    value = int(spans[0].value)
    return value if 1 <= value <= 10_000 else None
