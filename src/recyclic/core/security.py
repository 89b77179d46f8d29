"""Cryptography: Telegram login signatures, JWT access tokens, token and PIN hashing.

Pure functions with no database access; the auth service decides what they mean.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from recyclic.core.exceptions import Unauthenticated

# Telegram ids are positive 64-bit integers (BIGINT columns).
MAX_TELEGRAM_ID = 2**63 - 1


class InvalidTelegramData(Unauthenticated):
    code = "invalid_telegram_signature"
    message = "Signature Telegram invalide."


class TelegramDataExpired(Unauthenticated):
    code = "telegram_auth_expired"
    message = "Connexion Telegram expirée : reconnectez-vous."


class InvalidAccessToken(Unauthenticated):
    code = "invalid_token"
    message = "Jeton d'accès invalide."


class ExpiredAccessToken(Unauthenticated):
    code = "token_expired"
    message = "Jeton d'accès expiré."


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """Who Telegram says signed in."""

    telegram_id: int
    first_name: str
    last_name: str | None
    username: str | None

    @property
    def full_name(self) -> str:
        """First and last name, as Telegram shows them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip()


# --- Telegram Login Widget and Mini App ----------------------------------------------------


def _data_check_string(fields: Mapping[str, str]) -> str:
    # Telegram: every received field but `hash`, sorted by key, "key=value" joined by "\n".
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def _check_freshness(fields: Mapping[str, str], max_age_seconds: int, now: datetime) -> None:
    try:
        auth_date = int(fields["auth_date"])
    except (KeyError, ValueError):
        raise InvalidTelegramData() from None
    age = now.timestamp() - auth_date
    # A small tolerance for clock skew, but a date in the future is refused.
    if age < -30:
        raise InvalidTelegramData("Date de connexion Telegram dans le futur.")
    if age > max_age_seconds:
        raise TelegramDataExpired()


def _check_hash(fields: Mapping[str, str], secret: bytes) -> None:
    received = fields.get("hash", "")
    # compare_digest refuses non-ASCII text: such a hash is simply wrong.
    if not received or not received.isascii():
        raise InvalidTelegramData()
    expected = hmac.new(secret, _data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise InvalidTelegramData()


def _identity(telegram_id: Any, first: Any, last: Any, username: Any) -> TelegramIdentity:
    try:
        number = int(telegram_id)
    except (TypeError, ValueError):
        raise InvalidTelegramData("Identifiant Telegram invalide.") from None
    if not 0 < number <= MAX_TELEGRAM_ID:
        raise InvalidTelegramData("Identifiant Telegram invalide.")
    last_name = _printable(last, 100)
    user_name = _printable(username, 64)
    return TelegramIdentity(
        telegram_id=number,
        first_name=_printable(first, 100) or f"Telegram {number}",
        last_name=last_name or None,
        username=user_name or None,
    )


def _printable(value: Any, max_length: int) -> str:
    # Signed by Telegram, but stored by us: no control character, no more than a column holds.
    text = str(value or "")
    return "".join(c for c in text if c.isprintable() or c == " ").strip()[:max_length]


def verify_login_widget(
    payload: Mapping[str, Any], *, bot_token: str, max_age_seconds: int, now: datetime
) -> TelegramIdentity:
    """Check a Login Widget payload exactly as Telegram specifies; return the identity.

    secret = SHA-256(bot token); valid when hex HMAC-SHA-256(data-check-string) == hash.
    """
    fields = {str(k): _widget_value(v) for k, v in payload.items()}
    _check_hash(fields, hashlib.sha256(bot_token.encode()).digest())
    _check_freshness(fields, max_age_seconds, now)
    return _identity(
        fields.get("id"), fields.get("first_name"), fields.get("last_name"), fields.get("username")
    )


def _widget_value(value: Any) -> str:
    # The widget sends strings and integers; anything else cannot have been signed as is.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidTelegramData()
    return str(value)


def verify_webapp_init_data(
    init_data: str, *, bot_token: str, max_age_seconds: int, now: datetime
) -> TelegramIdentity:
    """Check a Mini App `initData` query string; secret = HMAC-SHA-256("WebAppData", token)."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidTelegramData() from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated key could hide a second, unsigned value
        raise InvalidTelegramData()
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    _check_hash(fields, secret)
    _check_freshness(fields, max_age_seconds, now)
    try:
        user = json.loads(fields["user"])
    except (KeyError, ValueError):
        raise InvalidTelegramData() from None
    if not isinstance(user, dict):
        raise InvalidTelegramData()
    return _identity(
        user.get("id"), user.get("first_name"), user.get("last_name"), user.get("username")
    )


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads` hook refusing an object that repeats a key (signed data must be unique)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise InvalidTelegramData()
    return result


# --- JWT access tokens ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    site_id: uuid.UUID | None
    role: str
    jti: str
    expires_at: datetime


def create_access_token(
    *,
    user_id: uuid.UUID,
    site_id: uuid.UUID | None,
    role: str,
    secret: str,
    algorithm: str,
    lifetime: timedelta,
    now: datetime,
) -> tuple[str, datetime]:
    """A signed access token and its expiry. The role claim is informative only."""
    expires_at = now + lifetime
    claims = {
        "sub": str(user_id),
        "site": str(site_id) if site_id else None,
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": uuid.uuid4().hex,
    }
    import jwt  # loaded on first use: it brings `cryptography`, a slow import

    return jwt.encode(claims, secret, algorithm=algorithm), expires_at


# Tokens whose signature was verified, with their claims: a till sends the same token with
# every request for its lifetime (minutes), and checking a signature costs more than the
# rest of the token's handling. Only the expiry is re-checked on a hit; who the user is and
# what they may do is re-read from the database on every request anyway (services/people).
_VERIFIED: dict[tuple[str, str, str], AccessClaims] = {}
_VERIFIED_MAX = 4096


def decode_access_token(token: str, *, secret: str, algorithm: str) -> AccessClaims:
    """Verify signature, algorithm (only the configured one) and expiry."""
    key = (token, secret, algorithm)
    claims = _VERIFIED.get(key)
    if claims is None:
        claims = _decode_access_token(token, secret=secret, algorithm=algorithm)
        if len(_VERIFIED) >= _VERIFIED_MAX:
            del _VERIFIED[next(iter(_VERIFIED))]  # the oldest
        _VERIFIED[key] = claims
    # PyJWT's rule (no leeway): expired once `exp` is reached.
    if claims.expires_at.timestamp() <= time.time():
        _VERIFIED.pop(key, None)
        raise ExpiredAccessToken()
    return claims


def _decode_access_token(token: str, *, secret: str, algorithm: str) -> AccessClaims:
    import jwt

    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            options={"require": ["sub", "exp", "iat", "jti"]},
        )
        user_id = uuid.UUID(str(claims["sub"]))
        site = claims.get("site")
        site_id = uuid.UUID(str(site)) if site else None
    except jwt.ExpiredSignatureError:
        raise ExpiredAccessToken() from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise InvalidAccessToken() from None
    return AccessClaims(
        user_id=user_id,
        site_id=site_id,
        role=str(claims.get("role", "")),
        jti=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )


# --- Opaque tokens, codes and PINs ----------------------------------------------------------

# No 0/O, 1/I/L: codes are read on a phone and typed on a tablet.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LOGIN_CODE_LENGTH = 8


def new_refresh_token() -> str:
    """A random opaque refresh token (256 bits)."""
    return secrets.token_urlsafe(32)


def sha256_hex(value: str) -> str:
    """SHA-256 of a high-entropy token: enough to store it without storing it."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_login_code() -> str:
    """An 8-character code such as 'K7QX-M2PA' without the dash (~40 bits)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(LOGIN_CODE_LENGTH))


def normalize_login_code(code: str) -> str:
    """Accept lower case, spaces and dashes as typed by people."""
    return "".join(c for c in code.upper() if c.isalnum())


def keyed_hash(value: str, secret: str) -> str:
    """HMAC-SHA-256 under the server secret (for low-entropy values such as login codes)."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


# scrypt parameters: ~50 ms per hash on a small server; stored with each hash so they can grow.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_pin_sync(pin: str, *, cost: int = _SCRYPT_N) -> str:
    """A salted scrypt hash of a PIN: 'scrypt$n$r$p$salt$hash'.

    `cost` (scrypt's N) is the app's own unless a test fixture lowers it: the parameters are
    stored with the hash, and a check uses the stored ones."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, cost, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${cost}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_pin_sync(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against its stored hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


async def hash_pin(pin: str) -> str:
    """`hash_pin_sync` off the event loop (scrypt is deliberately slow)."""
    return await asyncio.to_thread(hash_pin_sync, pin)


async def verify_pin(pin: str, stored: str) -> bool:
    """`verify_pin_sync` off the event loop."""
    return await asyncio.to_thread(verify_pin_sync, pin, stored)


# --- Secrets at rest (site sync credentials) ------------------------------------------------


def _fernet(secret: str) -> Any:
    from cryptography.fernet import Fernet

    # A dedicated key derived from the server secret, so the raw secret is never the key.
    key = hashlib.sha256(b"recyclic:site-secrets:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(value: str, *, secret: str) -> str:
    """Encrypt a credential for storage (Fernet: AES-128-CBC + HMAC-SHA-256)."""
    return str(_fernet(secret).encrypt(value.encode()).decode())


def decrypt_secret(token: str, *, secret: str) -> str | None:
    """The credential, or None when it cannot be decrypted (e.g. the server secret changed)."""
    from cryptography.fernet import InvalidToken

    try:
        return str(_fernet(secret).decrypt(token.encode()).decode())
    except (InvalidToken, ValueError):
        return None
