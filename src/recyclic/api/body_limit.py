"""Request bodies: a size limit enforced while they stream in, and no NUL character in text.

Checked before any routing or authentication, for every route at once: a body whose declared
length is too large is refused at once (413) without reading a byte; a body without a length
is counted as it arrives and refused as soon as it passes the limit, so nothing larger than the
limit is ever held in memory. Multipart bodies (recordings) get the audio limit.

A NUL character (`\\u0000` in JSON, `%00` in the address) is refused with the same 422 on both
databases: PostgreSQL cannot store it in text, SQLite would store it silently.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recyclic.api.errors import RequestRejected, send_error

# The audio route checks its own, smaller limit first: it says which limit applies.
MULTIPART_ENVELOPE = 256 * 1024
_NUL_ESCAPE = re.compile(rb"(\\+)u0000")
# Enough of the previous chunk to see an escape cut in two (and its backslashes).
_CARRY = 64

NUL_DETAIL = "Données invalides — caractère nul (\\u0000) interdit dans un texte"
NUL_ERRORS = [{"field": "", "message": "caractère nul (\\u0000) interdit"}]
TOO_LARGE_DETAIL = "Requête trop volumineuse (maximum {limit})."


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):g} Mo" if size >= 1024 * 1024 else f"{size // 1024} Ko"


def has_nul_escape(data: bytes) -> bool:
    """True when JSON text `data` holds `\\u0000` (an odd run of backslashes before it)."""
    return any(len(match.group(1)) % 2 == 1 for match in _NUL_ESCAPE.finditer(data))


def _content_info(scope: Scope) -> tuple[int | None, bool]:
    length: int | None = None
    multipart = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
        elif name == b"content-type":
            multipart = value.lower().startswith(b"multipart/")
    return length, multipart


class BodyLimitMiddleware:
    """Pure ASGI: counts and scans the chunks the app asks for, holds none of them."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, multipart_max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.multipart_max_bytes = multipart_max_bytes + MULTIPART_ENVELOPE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope["query_string"]:
            await send_error(scope, send, 422, "validation_error", NUL_DETAIL, errors=NUL_ERRORS)
            return
        declared, multipart = _content_info(scope)
        limit = self.multipart_max_bytes if multipart else self.max_bytes
        too_large = TOO_LARGE_DETAIL.format(limit=_human(limit))
        if declared is not None and declared > limit:
            await send_error(scope, send, 413, "payload_too_large", too_large)
            return
        received = 0
        carry = b""

        async def limited_receive() -> Message:
            nonlocal received, carry
            message = await receive()
            if message["type"] == "http.request":
                chunk: bytes = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise RequestRejected(413, "payload_too_large", too_large)
                if not multipart and chunk:
                    window = carry + chunk
                    if b"u0000" in window and has_nul_escape(window):
                        raise RequestRejected(422, "validation_error", NUL_DETAIL, NUL_ERRORS)
                    carry = window[-_CARRY:]
            return message

        await self.app(scope, limited_receive, send)
