"""Text read from an old database: latin1 and UTF-8 mixed up, repaired only when exact.

Old Oressource databases keep UTF-8 bytes in latin1 columns, so "é" reads back as "Ã©"
(mojibake). Encoding such a text back to Windows-1252 (or Latin-1) and decoding the bytes as
UTF-8 gives the original exactly, or fails: that round trip is the only repair made. A text
that still looks broken afterwards (a mix of repaired and unrepaired parts, replacement
characters, control characters) is refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# French text decoded twice: "é" → "Ã©", "œ" → "Å“", a no-break space → "Â\xa0", "’" → "â€™".
# (Ã, Â, Å are the UTF-8 lead bytes of those letters, followed by a continuation byte shown
# as Windows-1252; other leads such as "É" are legitimate before a no-break space.)
_CONTINUATION = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[ÂÃÅ][{_CONTINUATION}]|â€")
# "à" decoded twice is "Ã" + a no-break space; once that space became a plain one, the text
# cannot be undone: a lone "Ã" (never French) marks it.
_LONE_LEAD = re.compile(r"Ã(?=\s|$)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


@dataclass(frozen=True, slots=True)
class CleanText:
    """A text as Recyclic keeps it; `repaired` when it was decoded twice in the source."""

    value: str
    repaired: bool = False


class BrokenText(ValueError):
    """A text whose encoding cannot be undone exactly."""


def _looks_double_encoded(text: str) -> bool:
    return bool(_MOJIBAKE.search(text) or _LONE_LEAD.search(text))


def clean_text(raw: str | bytes | None) -> CleanText:
    """The text, repaired when it was UTF-8 decoded as Latin-1; BrokenText when unreadable."""
    if raw is None:
        return CleanText("")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            # Bytes that are not UTF-8 come from a latin1 client: every byte is a character.
            return _checked(raw.decode("cp1252" if _cp1252_ok(raw) else "latin-1"), repaired=True)
    else:
        text = raw
    if _looks_double_encoded(text):
        for codec in ("cp1252", "latin-1"):
            try:
                fixed = text.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            return _checked(fixed, repaired=True)
    return _checked(text, repaired=False)


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _checked(text: str, *, repaired: bool) -> CleanText:
    if _CONTROL.search(text) or _looks_double_encoded(text):
        raise BrokenText(text)
    return CleanText(text.strip(), repaired)
