"""The web app's cookies: the refresh credential, the paired-tablet credential, and the
CSRF token that every cookie-authenticated request must echo in a header.

Both credentials are HttpOnly (scripts never read them), Secure and SameSite=Strict, and sent
only to the routes that need them. CSRF uses a signed double submit: the token is readable by
the page (not HttpOnly) and must come back in `X-CSRF-Token` (or a form field); another site
can neither read our cookie nor forge the signature.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from recyclic.core.exceptions import Forbidden
from recyclic.core.security import keyed_hash

REFRESH_COOKIE = "recyclic_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth/refresh"
DEVICE_COOKIE = "recyclic_device"
DEVICE_COOKIE_PATH = "/api/v1"
CSRF_COOKIE = "recyclic_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
# The web app asks for its refresh token as a cookie with this request header.
SESSION_MODE_HEADER = "X-Session-Mode"


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = "Requête refusée (jeton anti-CSRF absent ou invalide) : rechargez la page."


def wants_cookie_session(request: Request) -> bool:
    """True when the web app asked for its refresh credential as a cookie."""
    return request.headers.get(SESSION_MODE_HEADER, "").lower() == "cookie"


def _credential(response: Response, name: str, value: str, *, path: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=path, secure=True, httponly=True, samesite="strict"
    )


def set_refresh_cookie(response: Response, token: str, *, days: int) -> None:
    _credential(response, REFRESH_COOKIE, token, path=REFRESH_COOKIE_PATH, max_age=days * 86_400)


def clear_refresh_cookie(response: Response) -> None:
    response.delete_cookie(
        REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, secure=True, httponly=True, samesite="strict"
    )


def set_device_cookie(response: Response, secret: str, *, days: int) -> None:
    _credential(response, DEVICE_COOKIE, secret, path=DEVICE_COOKIE_PATH, max_age=days * 86_400)


def clear_device_cookie(response: Response) -> None:
    response.delete_cookie(
        DEVICE_COOKIE, path=DEVICE_COOKIE_PATH, secure=True, httponly=True, samesite="strict"
    )


def new_csrf_token(secret: str) -> str:
    """A random nonce and its signature under the server secret."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{keyed_hash(nonce, secret)[:32]}"


def set_csrf_cookie(response: Response, token: str) -> None:
    # Readable by the page's script on purpose: it echoes the value in a header.
    response.set_cookie(
        CSRF_COOKIE, token, path="/", secure=True, httponly=False, samesite="strict"
    )


def _valid_signature(token: str, secret: str) -> bool:
    nonce, _, signature = token.partition(".")
    if not nonce or len(token) > 128:
        return False
    return hmac.compare_digest(signature.encode(), keyed_hash(nonce, secret)[:32].encode())


def check_csrf(request: Request, secret: str, *, submitted: str | None = None) -> None:
    """Refuse a cookie-authenticated request whose CSRF token is missing, not echoed or
    not ours (`submitted`: the form field, for a plain HTML form)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    echoed = submitted if submitted is not None else request.headers.get(CSRF_HEADER, "")
    # Bytes: compare_digest refuses non-ASCII text, and a header may carry anything.
    if not cookie or not echoed or not hmac.compare_digest(cookie.encode(), echoed.encode()):
        raise CsrfFailed()
    if not _valid_signature(cookie, secret):
        raise CsrfFailed()
