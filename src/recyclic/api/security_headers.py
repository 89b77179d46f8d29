"""Security headers on every response; a header the response already sets wins.

The web pages set their own Content-Security-Policy; everything else gets a policy here:
nothing may load for JSON, and HTML (receipts) may only use its inline styles. Responses are
never cached (they carry personal data and tokens) unless they say otherwise; a response that
sets a cookie or answers a login is `no-store` whatever it says.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_CSP = (
    b"default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    b"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HSTS = b"max-age=31536000; includeSubDomains"
_SCRIPT_TYPES = (b"text/javascript", b"application/javascript")
_NO_STORE = b"no-store"
_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
# Long-lived static files (Swagger's scripts) may be cached.
_CACHEABLE_PREFIXES = ("/static/",)
_TOKEN_PREFIXES = ("/api/v1/auth/",)


class SecurityHeadersMiddleware:
    """Pure ASGI: adds headers to `http.response.start`, never touches the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        https = scope.get("scheme") == "https"
        cacheable = path.startswith(_CACHEABLE_PREFIXES)
        token_path = path.startswith(_TOKEN_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secured(
                    list(message.get("headers", [])),
                    https=https,
                    cacheable=cacheable,
                    token_path=token_path,
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secured(
    headers: list[tuple[bytes, bytes]], *, https: bool, cacheable: bool, token_path: bool
) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    for name, value in _ALWAYS:
        if name not in present:
            headers.append((name, value))
    if b"content-security-policy" not in present:
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        if content_type.startswith(b"text/html"):
            headers.append((b"content-security-policy", HTML_CSP))
        elif not content_type.startswith(_SCRIPT_TYPES):
            # Not on scripts: a service worker's script takes its response's policy as its
            # own, and the page that loads a script already has one.
            headers.append((b"content-security-policy", API_CSP))
    if https and b"strict-transport-security" not in present:
        headers.append((b"strict-transport-security", HSTS))
    if token_path or b"set-cookie" in present:
        headers = [(n, v) for n, v in headers if n.lower() not in (b"cache-control", b"pragma")]
        headers.append((b"cache-control", _NO_STORE))
    elif b"cache-control" not in present and not cacheable:
        headers.append((b"cache-control", _NO_STORE))
    return headers
