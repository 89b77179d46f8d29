"""Small text helpers."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """'Électroménager' → 'Electromenager'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str, *, max_length: int = 64) -> str:
    """'Ressourcerie du Pays d'Auge' → 'ressourcerie-du-pays-d-auge'."""
    slug = _NON_SLUG.sub("-", strip_accents(text).lower()).strip("-")
    return slug[:max_length].rstrip("-") or "site"
