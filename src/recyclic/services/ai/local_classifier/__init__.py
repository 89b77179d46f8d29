"""Offline classifier for drop-off descriptions: category, confidence, quantity and weight."""

from .classifier import LocalClassification, classify_text
from .evidence import Evidence, description_words, lexicon_vocabulary
from .normalize import normalize_text
from .quantities import parse_quantity_reply, parse_weight_reply

__all__ = [
    "Evidence",
    "LocalClassification",
    "classify_text",
    "description_words",
    "lexicon_vocabulary",
    "normalize_text",
    "parse_quantity_reply",
    "parse_weight_reply",
]
