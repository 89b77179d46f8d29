"""Plain-text layout for thermal printers (32 or 48 columns)."""

from __future__ import annotations

import textwrap
import unicodedata

TICKET_WIDTHS = (32, 48)


def fit(text: str, width: int) -> str:
    """Cut `text` to `width` characters (with an ellipsis when cut)."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def center(text: str, width: int) -> list[str]:
    """Centred lines, wrapped."""
    return [line.center(width).rstrip() for line in textwrap.wrap(text, width) or [""]]


def wrap(text: str, width: int) -> list[str]:
    """Left-aligned wrapped lines."""
    return textwrap.wrap(text, width) or [""]


def left_right(left: str, right: str, width: int) -> str:
    """'Label ........ 12,50 €' style line: left text, right-aligned value."""
    room = width - len(right) - 1
    return f"{fit(left, room):<{room}} {right}"


def rule(width: int, char: str = "-") -> str:
    """A full-width separator."""
    return char * width
