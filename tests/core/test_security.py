"""Telegram signatures and JWTs, checked exactly as specified."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from recyclic.core.security import (
    ExpiredAccessToken,
    InvalidAccessToken,
    InvalidTelegramData,
    TelegramDataExpired,
    create_access_token,
    decode_access_token,
    decrypt_secret,
    encrypt_secret,
    hash_pin_sync,
    verify_login_widget,
    verify_pin_sync,
    verify_webapp_init_data,
)
from tests.support.telegram import TEST_BOT_TOKEN, webapp_init_data, widget_payload

SECRET = "s" * 48


def _widget(payload: dict[str, object]) -> object:
    return verify_login_widget(
        payload, bot_token=TEST_BOT_TOKEN, max_age_seconds=86400, now=datetime.now(UTC)
    )


def test_valid_widget_payload_gives_the_identity() -> None:
    identity = _widget(widget_payload(42, first_name="Zoé", last_name="Ménard"))
    assert identity.telegram_id == 42  # type: ignore[attr-defined]
    assert identity.full_name == "Zoé Ménard"  # type: ignore[attr-defined]


@pytest.mark.parametrize("field", ["id", "first_name", "auth_date", "username"])
def test_one_changed_field_breaks_the_signature(field: str) -> None:
    payload = widget_payload(42)
    payload[field] = f"{payload[field]}9"
    with pytest.raises(InvalidTelegramData):
        _widget(payload)


def test_an_added_field_breaks_the_signature() -> None:
    payload = widget_payload(42)
    payload["photo_url"] = "https://evil.example/p.jpg"
    with pytest.raises(InvalidTelegramData):
        _widget(payload)


def test_missing_hash_is_refused() -> None:
    payload = widget_payload(42)
    del payload["hash"]
    with pytest.raises(InvalidTelegramData):
        _widget(payload)


def test_another_bot_token_is_refused() -> None:
    with pytest.raises(InvalidTelegramData):
        _widget(widget_payload(42, bot_token="999:other-bot"))


def test_stale_auth_date_is_refused() -> None:
    with pytest.raises(TelegramDataExpired):
        _widget(widget_payload(42, auth_date=int(time.time()) - 86400 - 60))


def test_future_auth_date_is_refused() -> None:
    with pytest.raises(InvalidTelegramData):
        _widget(widget_payload(42, auth_date=int(time.time()) + 3600))


def test_non_scalar_values_are_refused() -> None:
    payload = widget_payload(42)
    payload["first_name"] = ["Jeanne"]
    with pytest.raises(InvalidTelegramData):
        _widget(payload)


def _webapp(init_data: str) -> object:
    return verify_webapp_init_data(
        init_data, bot_token=TEST_BOT_TOKEN, max_age_seconds=86400, now=datetime.now(UTC)
    )


def test_valid_webapp_init_data() -> None:
    assert _webapp(webapp_init_data(77)).telegram_id == 77  # type: ignore[attr-defined]


def test_webapp_uses_the_webappdata_secret_not_the_widget_one() -> None:
    # Signed like a widget payload (secret = SHA-256(token)): must not pass as initData.
    fields = dict(parse_qsl(webapp_init_data(77)))
    del fields["hash"]
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    wrong = hmac.new(hashlib.sha256(TEST_BOT_TOKEN.encode()).digest(), check.encode(), "sha256")
    with pytest.raises(InvalidTelegramData):
        _webapp(urlencode({**fields, "hash": wrong.hexdigest()}))


def test_webapp_duplicated_keys_are_refused() -> None:
    data = webapp_init_data(77)
    with pytest.raises(InvalidTelegramData):
        _webapp(data + "&user=%7B%22id%22%3A1%7D")


def test_webapp_tampered_user_is_refused() -> None:
    data = webapp_init_data(77).replace("77", "78")
    with pytest.raises(InvalidTelegramData):
        _webapp(data)


def _token(**overrides: object) -> str:
    token, _ = create_access_token(
        user_id=uuid.uuid4(),
        site_id=None,
        role="admin",
        secret=SECRET,
        algorithm="HS256",
        lifetime=timedelta(minutes=15),
        now=datetime.now(UTC),
    )
    return token


def test_jwt_round_trip() -> None:
    claims = decode_access_token(_token(), secret=SECRET, algorithm="HS256")
    assert claims.role == "admin"
    assert claims.site_id is None


def test_jwt_alg_none_is_refused() -> None:
    forged = jwt.encode(
        {"sub": str(uuid.uuid4()), "iat": 1, "exp": 4_000_000_000, "jti": "x"},
        None,
        algorithm="none",
    )
    with pytest.raises(InvalidAccessToken):
        decode_access_token(forged, secret=SECRET, algorithm="HS256")


def test_jwt_rs256_token_is_refused_by_an_hs256_server() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"sub": str(uuid.uuid4()), "iat": int(time.time()), "exp": 4_000_000_000, "jti": "x"}
    forged = jwt.encode(claims, key, algorithm="RS256")
    with pytest.raises(InvalidAccessToken):
        decode_access_token(forged, secret=SECRET, algorithm="HS256")
    # Classic confusion: HS256 keyed with the *public key* text.
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # (PyJWT refuses to build it, so sign by hand.)
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    body = jwt.utils.base64url_encode(
        f'{{"sub":"{uuid.uuid4()}","iat":1,"exp":4000000000,"jti":"x"}}'.encode()
    )
    signing_input = header + b"." + body
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    confused = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    with pytest.raises(InvalidAccessToken):
        decode_access_token(confused, secret=SECRET, algorithm="HS256")


def test_jwt_wrong_key_is_refused() -> None:
    with pytest.raises(InvalidAccessToken):
        decode_access_token(_token(), secret="another-secret" * 4, algorithm="HS256")


def test_expired_jwt_is_refused() -> None:
    token, _ = create_access_token(
        user_id=uuid.uuid4(),
        site_id=None,
        role="admin",
        secret=SECRET,
        algorithm="HS256",
        lifetime=timedelta(minutes=15),
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    with pytest.raises(ExpiredAccessToken):
        decode_access_token(token, secret=SECRET, algorithm="HS256")


def test_jwt_without_required_claims_is_refused() -> None:
    token = jwt.encode({"sub": str(uuid.uuid4())}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidAccessToken):
        decode_access_token(token, secret=SECRET, algorithm="HS256")


def test_pin_hash_verifies_only_the_right_pin() -> None:
    stored = hash_pin_sync("4821")
    assert stored.startswith("scrypt$32768$8$1$")  # the app's own cost, stored with the hash
    assert verify_pin_sync("4821", stored)
    assert not verify_pin_sync("4822", stored)
    assert not verify_pin_sync("4821", "garbage")


def test_a_pin_is_checked_with_the_parameters_stored_with_its_hash() -> None:
    """Parameters can grow: an older, cheaper hash still verifies (the suite's fixtures use
    one)."""
    cheap = hash_pin_sync("4821", cost=2**10)
    assert cheap.startswith("scrypt$1024$")
    assert verify_pin_sync("4821", cheap)
    assert not verify_pin_sync("4822", cheap)


def test_secrets_encrypt_and_need_the_same_server_secret() -> None:
    token = encrypt_secret("kdrive-app-password", secret=SECRET)
    assert "kdrive" not in token
    assert decrypt_secret(token, secret=SECRET) == "kdrive-app-password"
    assert decrypt_secret(token, secret="x" * 48) is None
