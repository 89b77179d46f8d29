"""French number parsing over normalised tokens: digits, number words, approximations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .normalize import BREAK, STOPWORDS

_UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
_TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
_MULTIPLIERS = {"cent": 100, "cents": 100, "mille": 1000, "milles": 1000}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_MULTIPLIERS)

# "une dizaine" is a count of 10 by the spec's convention (not "about ten, ask").
APPROXIMATIONS = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,
}
_APPROX_ADJECTIVES = frozenset({"bonne", "petite", "grosse", "grande", "belle"})


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A number found in the token list: tokens [start, end) and its value."""

    start: int
    end: int
    value: float
    approximate: bool = False  # "une dizaine"
    article: bool = False  # a bare "un"/"une", which is also the indefinite article

    @property
    def is_integer(self) -> bool:
        """True when the value is a whole number."""
        return self.value == int(self.value)


def _digit_value(token: str) -> float | None:
    """Parse a digit token ("12", "3.5"); None if it is not one."""
    if not token[0].isdigit():
        return None
    try:
        value = float(token)
    except ValueError:
        return None
    # Absurdly long digit strings are noise (serial numbers), not quantities.
    return value if value < 1e9 else None


def _word_value(token: str) -> int | None:
    """Value of a single number word, or None."""
    if token in _UNITS:
        return _UNITS[token]
    return _TENS.get(token)


def _neuf_is_number(tokens: Sequence[str], index: int) -> bool:
    """Tell "neuf" the number ("neuf chaises") from "neuf" the adjective ("un frigo neuf")."""
    following = tokens[index + 1] if index + 1 < len(tokens) else BREAK
    return following != BREAK and following not in STOPWORDS


def _read_words(tokens: Sequence[str], start: int) -> tuple[int, int]:
    """Read a compound number word ("quatre vingt dix neuf") from `start`; return (value, end)."""
    total, current, previous, index = 0, 0, 0, start
    while index < len(tokens):
        word = tokens[index]
        if word == "et" and previous >= 20 and index + 1 < len(tokens):
            if tokens[index + 1] in ("un", "une", "onze"):
                index += 1
                continue
            break
        value = _word_value(word)
        if value is not None:
            if word == "neuf" and index == start and not _neuf_is_number(tokens, index):
                break
            if previous == 4 and value == 20 and current % 100 == 4:
                current += 76  # "quatre vingt" = 80
            elif previous == 0 or value < previous:
                current += value
            else:
                break
            previous = value
        elif word in _MULTIPLIERS:
            if _MULTIPLIERS[word] == 1000:
                total += max(current, 1) * 1000
                current, previous = 0, 1000
            elif current < 100:
                current, previous = max(current, 1) * 100, 100
            else:
                break
        else:
            break
        index += 1
    return total + current, index


def _approximation(tokens: Sequence[str], index: int) -> int | None:
    """Base value when tokens[index] is "dizaine"/"dizaines" and friends."""
    token = tokens[index]
    if token in APPROXIMATIONS:
        return APPROXIMATIONS[token]
    if token.endswith("s") and token[:-1] in APPROXIMATIONS:
        return APPROXIMATIONS[token[:-1]]
    return None


def find_numbers(tokens: Sequence[str]) -> list[NumberSpan]:
    """Return every number in `tokens`, left to right, approximations folded in."""
    spans: list[NumberSpan] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        digit = _digit_value(token)
        if digit is not None:
            spans.append(NumberSpan(index, index + 1, digit))
            index += 1
            continue
        if token in ("un", "une") and tokens[index + 1 : index + 2] == ["peu"]:
            index += 2  # "un peu" (a little) is not a count
            continue
        if _word_value(token) is not None or token in _MULTIPLIERS:
            value, end = _read_words(tokens, index)
            if end > index:
                article = end == index + 1 and token in ("un", "une")
                spans.append(NumberSpan(index, end, value, article=article))
                index = end
                continue
        base = _approximation(tokens, index)
        if base is not None:
            spans.append(_approximate_span(tokens, spans, index, base))
            index += 1
            continue
        index += 1
    return [span for span in spans if span.start >= 0]


def _approximate_span(
    tokens: Sequence[str], spans: list[NumberSpan], index: int, base: int
) -> NumberSpan:
    """Build the span for "une (bonne) dizaine" / "deux douzaines", merging the count before."""
    start = index
    while start > 0 and tokens[start - 1] in _APPROX_ADJECTIVES:
        start -= 1
    if spans and spans[-1].end == start:
        previous = spans.pop()
        multiplier = 1 if previous.article else previous.value
        return NumberSpan(previous.start, index + 1, base * multiplier, approximate=True)
    if start > 0 and tokens[start - 1] in ("des", "quelques", "plusieurs"):
        # "des dizaines de livres": no usable count; -1 marks it as consumed.
        return NumberSpan(-1, index + 1, 0, approximate=True)
    return NumberSpan(start, index + 1, base, approximate=True)
