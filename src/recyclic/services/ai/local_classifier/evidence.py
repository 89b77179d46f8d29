"""Outside evidence for the classifier: the words it is keyed on, and what supplies it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from .matching import get_matcher
from .normalize import BREAK, STOPWORDS, normalize_text, word_set
from .numbers import APPROXIMATIONS, NUMBER_WORDS
from .quantities import CORRECTION_MARKERS, DETERMINERS, GRAM_UNITS, KILO_UNITS, TONNE_UNITS

# Words about amounts, not about the item: a memory of descriptions ignores them.
_AMOUNT_WORDS = (
    KILO_UNITS
    | GRAM_UNITS
    | TONNE_UNITS
    | CORRECTION_MARKERS
    | frozenset(APPROXIMATIONS)
    | frozenset(f"{word}s" for word in APPROXIMATIONS)
    | word_set("environ pres peu demi chacun chacune piece pieces unite x tout total")
)


class Evidence(Protocol):
    """Anything that scores categories from a description's content words (a site memory)."""

    def evidence(self, words: Sequence[str]) -> Mapping[str, float]: ...


def content_words(tokens: Sequence[str], folded: Sequence[str]) -> tuple[str, ...]:
    """The words of a description that say what the item is, in their lexicon form."""
    return tuple(
        word
        for token, word in zip(tokens, folded, strict=True)
        if token != BREAK
        and token.isalpha()
        and token not in STOPWORDS
        and token not in DETERMINERS
        and token not in NUMBER_WORDS
        and token not in _AMOUNT_WORDS
    )


def description_words(text: str) -> tuple[str, ...]:
    """`content_words` of a raw description: normalised, singular, typos fixed."""
    tokens = normalize_text(text).split()
    matcher = get_matcher()
    return content_words(tokens, [matcher.fold(token).word for token in tokens])
