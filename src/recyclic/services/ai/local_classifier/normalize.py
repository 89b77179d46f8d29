"""Text normalisation for French item descriptions (typed or transcribed from speech)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (readable word lists)."""
    return frozenset(text.split())


# A clause break: punctuation becomes this token so that quantity rules can see
# "raquettes de tennis, deux" as a description followed by a trailing count.
BREAK = ","

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_APOSTROPHES = re.compile(r"[’‘`´ʼ]")
# Elided articles and pronouns: "l'aspirateur" -> "aspirateur"; "d'" keeps its meaning
# ("tour d'ordinateur" -> "tour de ordinateur") because quantity rules read "de".
_ELISION = re.compile(r"\b(qu|jusqu|lorsqu|puisqu|[ljcnsmt])'")
_ELISION_DE = re.compile(r"\bd'")
_C_EST = re.compile(r"\bc'est\b")  # a speech filler ("c'est un frigo")
_DECIMAL = re.compile(r"(\d)[.,](\d)")
_GLUED_UNIT = re.compile(r"(\d)(kgs?|kilos?|g|gr|grs|cm|mm|m|l|w|v|to|go|mo|ans?|x)\b")
_MULTIPLIER = re.compile(r"\bx(\d)")
# Compounds whose first part is a single letter must survive hyphen splitting.
_COMPOUNDS = re.compile(r"\b(t|k|e)-(shirts?|way|book|bikes?)\b")
_NON_WORD = re.compile(r"[^a-z0-9.\s]+")
_PUNCTUATION = re.compile(r"[,;:!?()\[\]{}\"/\\|…]+|\.(?!\d)")
_SPACES = re.compile(r"\s+")

# Speech fillers carry no meaning for classification; "enfin", "non" and "pardon" are kept
# because they mark self-corrections.
FILLERS = frozenset(
    {"euh", "heu", "euhh", "heuu", "hum", "hmm", "bah", "ben", "beh", "alors", "voila", "bref"}
)
_FILLER_PAIRS = frozenset({("c", "est"), ("du", "coup"), ("en", "fait"), ("tu", "vois")})


def strip_accents(text: str) -> str:
    """Return `text` without diacritics (é -> e, ç -> c) and with ligatures expanded."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    # Dropping every non-ASCII code point also drops emoji and symbols: they carry no meaning.
    return decomposed.encode("ascii", "ignore").decode("ascii")


def normalize_text(text: str) -> str:
    """Lowercase, strip accents, elisions, hyphens, punctuation and speech fillers.

    Plural marks are kept on purpose: "chaise" and "chaises" have different quantities, and
    the normalised text is used as a cache key for the whole classification.
    """
    text = strip_accents(_APOSTROPHES.sub("'", text.lower()))
    text = _COMPOUNDS.sub(r"\1\2", text)
    text = _C_EST.sub(" ", text)
    text = _ELISION_DE.sub("de ", text)
    text = _ELISION.sub(" ", text)
    text = _DECIMAL.sub(r"\1.\2", text)
    text = _PUNCTUATION.sub(f" {BREAK} ", text)
    text = text.replace("'", " ").replace("-", " ").replace("_", " ")
    text = text.replace("+", " et ").replace("&", " et ")  # "une table + 4 chaises"
    text = _NON_WORD.sub(lambda match: f" {BREAK} " if "," in match.group() else " ", text)
    text = _GLUED_UNIT.sub(r"\1 \2", text)
    text = _MULTIPLIER.sub(r"x \1", text)
    return " ".join(_drop_fillers(_SPACES.split(text.strip())))


def _drop_fillers(tokens: list[str]) -> list[str]:
    """Remove filler words and repeated clause breaks from a token list."""
    kept: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        pair = (token, tokens[index + 1]) if index + 1 < len(tokens) else None
        if pair in _FILLER_PAIRS:
            index += 2
            continue
        index += 1
        if not token or token in FILLERS or token in (".", ""):
            continue
        if token == BREAK and (not kept or kept[-1] == BREAK):
            continue
        kept.append(token)
    if kept and kept[-1] == BREAK:
        kept.pop()
    return kept


def tokenize(text: str) -> list[str]:
    """Normalise `text` and split it into tokens."""
    normalized = normalize_text(text)
    return normalized.split() if normalized else []


# Irregular plurals seen in donations; -aux words default to -al (journaux -> journal).
_IRREGULAR_PLURALS = {
    "yeux": "oeil",
    "travaux": "travail",
    "vitraux": "vitrail",
    "emaux": "email",
    "baux": "bail",
}


def plural_candidates(token: str) -> tuple[str, ...]:
    """Return the singular forms a French plural `token` may come from, most likely first."""
    if token in _IRREGULAR_PLURALS:
        return (_IRREGULAR_PLURALS[token],)
    if len(token) < 3 or token[-1] not in "sx" or token.endswith("ss"):
        return ()
    if token.endswith("aux"):
        return (token[:-3] + "al", token[:-1])
    return (token[:-1],)


def fold_plural(token: str, vocabulary: Container[str]) -> str:
    """Return the singular of `token` found in `vocabulary`, or `token` unchanged.

    A word the vocabulary already knows is never folded, so invariable singulars such as
    "matelas", "souris" or "tapis" stay intact.
    """
    if token in vocabulary:
        return token
    for candidate in plural_candidates(token):
        if candidate in vocabulary:
            return candidate
    return token


# Function words: ignored when matching lexicon phrases ("machine à laver" = "machine laver").
STOPWORDS = word_set(
    """
    le la les l un une des du de d au aux a en et ou pour par sur dans chez vers sa
    ses mon ma mes ton ta tes notre nos votre vos leur leurs ce cet cette ces il elle ils
    elles on je j tu nous vous y c est sont ai as a ont avait etait fait font qui que qu
    quoi dont ne n pas plus tres trop bien encore aussi deja tout toute tous toutes se s me
    m te t lui eux moins
    """
)
