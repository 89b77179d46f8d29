"""The Content-Security-Policy of the web pages: our own origin only, no inline code.

The one exception is Telegram's Login Widget on /connexion, when the site configured it: its
script comes from telegram.org and it opens an iframe on oauth.telegram.org.
"""

from __future__ import annotations

_BASE = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "worker-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
TELEGRAM_WIDGET = {
    "script-src": ["https://telegram.org"],
    "frame-src": ["https://oauth.telegram.org"],
}


def content_security_policy(*, telegram_widget: bool = False) -> str:
    """The policy header value of a page."""
    directives = {name: list(sources) for name, sources in _BASE.items()}
    if telegram_widget:
        for name, sources in TELEGRAM_WIDGET.items():
            directives.setdefault(name, []).extend(sources)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
