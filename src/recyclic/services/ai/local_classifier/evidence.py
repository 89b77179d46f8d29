"""Outside evidence for the classifier: the words it is keyed on, and what supplies it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from .matching import Folded, get_matcher
from .normalize import BREAK, STOPWORDS, normalize_text, plural_candidates, word_set
from .numbers import APPROXIMATIONS, NUMBER_WORDS
from .quantities import (
    CORRECTION_MARKERS,
    DETERMINERS,
    GRAM_UNITS,
    KILO_UNITS,
    TONNE_UNITS,
    is_plural_word,
)

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

    def evidence(self, words: Sequence[str]) -> Mapping[str, float]:
        """Scores per category, in the lexicon's units."""
        ...

    def knows(self, word: str) -> bool:
        """True when people agreed on what this word (as said) is: the lexicon's guess of a
        typo on it then gives way."""
        ...


def content_words(tokens: Sequence[str], folded: Sequence[Folded]) -> tuple[str, ...]:
    """The words of a description that say what the item is: in their lexicon form when the
    lexicon knows them (singular), as said otherwise — a typo guess is not a shop's word."""
    return tuple(
        as_said(token) if word.fuzzy else word.word
        for token, word in zip(tokens, folded, strict=True)
        if token != BREAK
        and token.isalpha()
        and token not in STOPWORDS
        and token not in DETERMINERS
        and token not in NUMBER_WORDS
        and token not in _AMOUNT_WORDS
    )


def as_said(token: str) -> str:
    """A word the lexicon does not know, in the singular when it looks plural ("toupins")."""
    candidates = plural_candidates(token) if is_plural_word(token) else ()
    return candidates[-1] if candidates else token


def description_words(text: str) -> tuple[str, ...]:
    """`content_words` of a raw description (normalised, singular)."""
    tokens = normalize_text(text).split()
    matcher = get_matcher()
    return content_words(tokens, [matcher.fold(token) for token in tokens])


def lexicon_vocabulary() -> frozenset[str]:
    """The words the lexicon knows (items, brands, cues); any other is a shop's own word."""
    return get_matcher().lexicon.vocabulary
