"""Logging in (Telegram, bot code, PIN), rotating refresh tokens, logging out."""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.config import Settings
from recyclic.core.exceptions import Forbidden, InvalidInput, ServiceUnavailable
from recyclic.core.exceptions import Unauthenticated as _Unauthenticated
from recyclic.core.security import (
    AccessClaims,
    InvalidAccessToken,
    TelegramIdentity,
    create_access_token,
    decode_access_token,
    hash_pin,
    keyed_hash,
    new_login_code,
    new_refresh_token,
    normalize_login_code,
    reject_duplicate_keys,
    sha256_hex,
    verify_login_widget,
    verify_pin,
    verify_webapp_init_data,
)
from recyclic.models.auth import LoginCode, RefreshToken
from recyclic.models.base import utcnow
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.auth_repository import LoginCodeRepository, RefreshTokenRepository
from recyclic.repositories.user_repository import UserRepository
from recyclic.services.access.audit import AuditService
from recyclic.services.messaging.telegram_service import NotificationService
from recyclic.services.people.pin_guard import PinGuard, PinLocked
from recyclic.services.people.registration import RegistrationService

_NOT_USABLE = "Compte inconnu, désactivé ou non approuvé."


def may_act(status: UserStatus, is_active: bool, anonymized_at: datetime | None) -> bool:
    """Whether an account may use its access token: approved, active, not anonymised."""
    return status == UserStatus.APPROVED and is_active and anonymized_at is None


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated user as the till's hot path needs it (see `authenticate_actor`):
    what `services.access.scope` reads of a user, as plain values."""

    id: uuid.UUID
    role: Role
    site_id: uuid.UUID | None


class RefreshTokenInvalid(_Unauthenticated):
    code = "refresh_token_invalid"
    message = "Session expirée ou invalide : reconnectez-vous."


class RefreshTokenReused(_Unauthenticated):
    code = "refresh_token_reused"
    message = "Ce jeton a déjà été utilisé : par sécurité, la session a été fermée."
    commit_changes = True  # the family revocation must stick


class LoginCodeInvalid(_Unauthenticated):
    code = "login_code_invalid"
    message = "Code de connexion invalide ou expiré. Demandez-en un nouveau avec /connexion."


class PinInvalid(_Unauthenticated):
    code = "pin_invalid"
    message = "Identifiant ou code PIN incorrect."
    commit_changes = True  # the failure count must stick


class RegistrationRejected(Forbidden):
    code = "registration_rejected"
    message = "Votre inscription a été refusée. Contactez un responsable de la ressourcerie."


class AccountDisabled(Forbidden):
    code = "account_disabled"
    message = "Ce compte est désactivé. Contactez un responsable de la ressourcerie."


class WeakPin(InvalidInput):
    code = "weak_pin"
    message = "Code PIN trop simple : évitez les chiffres identiques ou qui se suivent."


class TelegramNotConfigured(ServiceUnavailable):
    code = "telegram_not_configured"
    message = "La connexion par Telegram n'est pas configurée sur ce serveur."


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@dataclass(frozen=True, slots=True)
class PendingLogin:
    user: User


LoginOutcome = IssuedTokens | PendingLogin

_PIN_FORMAT = re.compile(r"^\d{4,8}$")
# Verified when the user is unknown, so that timing does not reveal who exists.
_DUMMY_PIN_HASH = (
    "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)


def check_pin_strength(pin: str) -> None:
    """4 to 8 digits, not all the same, not a run like 1234 or 9876."""
    if not _PIN_FORMAT.match(pin):
        raise InvalidInput("Le code PIN doit comporter de 4 à 8 chiffres.", code="invalid_pin")
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if steps in ({0}, {1}, {-1}):
        raise WeakPin()


class AuthService:
    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        *,
        now: Callable[[], datetime] = utcnow,
        notifications: NotificationService | None = None,
    ) -> None:
        self.settings = settings
        self.now = now
        self.users = UserRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        self.login_codes = LoginCodeRepository(session)
        # Unknown Telegram users who log in become registrations the admins hear about.
        self.registrations = RegistrationService(session, notifications=notifications)
        self.audit = AuditService(session)

    # --- Telegram ---------------------------------------------------------------------

    def _bot_token(self) -> str:
        token = self.settings.telegram_bot_token.get_secret_value()
        if not token:
            raise TelegramNotConfigured()
        return token

    async def login_with_widget(self, raw_body: bytes) -> LoginOutcome:
        """Login Widget payload (raw JSON, so that repeated keys can be refused)."""
        try:
            payload: Any = json.loads(raw_body or b"{}", object_pairs_hook=reject_duplicate_keys)
        except ValueError:
            raise InvalidInput("Corps JSON invalide.", code="invalid_json") from None
        if not isinstance(payload, dict):
            raise InvalidInput("Objet JSON attendu.", code="invalid_json")
        identity = verify_login_widget(
            payload,
            bot_token=self._bot_token(),
            max_age_seconds=self.settings.telegram_auth_max_age_seconds,
            now=self.now(),
        )
        return await self.login_with_telegram(identity)

    async def login_with_webapp(self, init_data: str) -> LoginOutcome:
        """Telegram Mini App `initData`."""
        identity = verify_webapp_init_data(
            init_data,
            bot_token=self._bot_token(),
            max_age_seconds=self.settings.telegram_auth_max_age_seconds,
            now=self.now(),
        )
        return await self.login_with_telegram(identity)

    async def login_with_telegram(self, identity: TelegramIdentity) -> LoginOutcome:
        """A verified Telegram identity: tokens, or a pending registration."""
        user, _created = await self.registrations.register(identity)
        if user.status == UserStatus.PENDING:
            return PendingLogin(user=user)
        return await self._issue_for(user)

    # --- Bot login codes --------------------------------------------------------------

    async def issue_login_code(self, user: User) -> str:
        """A single-use code for the web app, valid a few minutes (bot /connexion)."""
        self._ensure_may_log_in(user)
        code = new_login_code()
        await self.login_codes.add(
            LoginCode(
                user_id=user.id,
                code_hash=keyed_hash(code, self._secret()),
                expires_at=self.now() + timedelta(minutes=self.settings.login_code_minutes),
            ),
            flush=False,
        )
        return code

    async def login_with_code(self, code: str) -> IssuedTokens:
        """Exchange a bot login code for tokens; the code is spent."""
        normalized = normalize_login_code(code)
        row = await self.login_codes.get_by_hash_for_update(keyed_hash(normalized, self._secret()))
        now = self.now()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise LoginCodeInvalid()
        row.used_at = now
        user = await self.users.get(row.user_id)
        if user is None:
            raise LoginCodeInvalid()
        return await self._issue_for(user)

    # --- PIN --------------------------------------------------------------------------

    async def set_pin(self, user: User, pin: str) -> None:
        """Set or change one's own PIN."""
        check_pin_strength(pin)
        user.pin_hash = await hash_pin(pin)
        user.pin_failed_attempts = 0
        user.pin_locked_until = None
        await self.audit.record(
            actor=user,
            action="user.pin_set",
            entity_type="user",
            entity_id=user.id,
            site_id=user.site_id,
        )

    async def login_with_pin(
        self,
        *,
        pin: str,
        guard: PinGuard,
        sources: Sequence[str],
        user_id: uuid.UUID | None = None,
        telegram_id: int | None = None,
        site_id: uuid.UUID | None = None,
    ) -> IssuedTokens:
        """PIN login; wrong PINs are counted per source and account (`PinGuard`). On a paired
        tablet (`site_id` given) only the people of the tablet's site can log in."""
        user = None
        if user_id is not None:
            user = await self.users.get(user_id)
        elif telegram_id is not None:
            user = await self.users.get_by_telegram_id(telegram_id)
        if site_id is not None and user is not None and user.site_id != site_id:
            user = None
        if user is None or not user.pin_hash:
            await verify_pin(pin, _DUMMY_PIN_HASH)
            raise PinInvalid()
        now = self.now()
        await guard.check(user, sources, now)
        if not await verify_pin(pin, user.pin_hash):
            locked_for = await guard.failed(user, sources, now)
            if locked_for is not None:
                raise PinLocked(locked_for)
            raise PinInvalid()
        await guard.succeeded(user, sources)
        return await self._issue_for(user)

    # --- Refresh and logout -----------------------------------------------------------

    async def refresh(self, token: str) -> IssuedTokens:
        """Spend a refresh token for a new pair; a spent token revokes its whole family."""
        row = await self.refresh_tokens.get_by_hash_for_update(sha256_hex(token))
        now = self.now()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise RefreshTokenInvalid()
        if row.used_at is not None:
            await self.refresh_tokens.revoke_family(row.family_id, now)
            raise RefreshTokenReused()
        row.used_at = now
        user = await self.users.get(row.user_id)
        if user is None:
            raise RefreshTokenInvalid()
        return await self._issue_for(user, family_id=row.family_id)

    async def end_session(self, token: str) -> None:
        """Revoke the family of a refresh token held by the browser that presents it (the
        web app's logout: the cookie proves the holder)."""
        row = await self.refresh_tokens.get_by_hash_for_update(sha256_hex(token))
        if row is not None:
            await self.refresh_tokens.revoke_family(row.family_id, self.now())

    async def logout(self, token: str, *, user: User) -> None:
        """Revoke the family of this refresh token if it is the user's (else nothing)."""
        row = await self.refresh_tokens.get_by_hash_for_update(sha256_hex(token))
        if row is not None and row.user_id == user.id:
            await self.refresh_tokens.revoke_family(row.family_id, self.now())

    async def revoke_user_sessions(self, user: User) -> None:
        """Every refresh token of the user stops working (role change, deactivation)."""
        await self.refresh_tokens.revoke_all_for_user(user.id, self.now())

    # --- Access tokens ----------------------------------------------------------------

    async def authenticate(self, access_token: str) -> User:
        """The user behind an access token, re-read from the database on every request."""
        claims = self._claims(access_token)
        user = await self.users.get(claims.user_id)
        if user is None or not may_act(user.status, user.is_active, user.anonymized_at):
            raise InvalidAccessToken(_NOT_USABLE)
        return user

    async def authenticate_actor(self, access_token: str) -> Actor:
        """The same check as `authenticate`, for the till's hot path: the user's role, site
        and status are re-read on every request with one small query, without loading the
        user as an ORM object."""
        claims = self._claims(access_token)
        row = await self.users.access(claims.user_id)
        if row is None:
            raise InvalidAccessToken(_NOT_USABLE)
        role, site_id, status, is_active, anonymized_at = row
        if not may_act(status, is_active, anonymized_at):
            raise InvalidAccessToken(_NOT_USABLE)
        return Actor(id=claims.user_id, role=role, site_id=site_id)

    def _claims(self, access_token: str) -> AccessClaims:
        return decode_access_token(
            access_token,
            secret=self._secret(),
            algorithm=self.settings.jwt_algorithm,
        )

    # --- Internals --------------------------------------------------------------------

    def _secret(self) -> str:
        return self.settings.secret_key.get_secret_value()

    def _ensure_may_log_in(self, user: User) -> None:
        if user.status == UserStatus.REJECTED:
            raise RegistrationRejected()
        if not user.is_active or user.anonymized_at is not None:
            raise AccountDisabled()
        if user.status != UserStatus.APPROVED:
            raise Forbidden("Inscription en attente de validation.", code="registration_pending")

    async def _issue_for(self, user: User, *, family_id: uuid.UUID | None = None) -> IssuedTokens:
        self._ensure_may_log_in(user)
        now = self.now()
        lifetime = timedelta(minutes=self.settings.access_token_minutes)
        access, _expires = create_access_token(
            user_id=user.id,
            site_id=user.site_id,
            role=user.role.value,
            secret=self._secret(),
            algorithm=self.settings.jwt_algorithm,
            lifetime=lifetime,
            now=now,
        )
        refresh = new_refresh_token()
        await self.refresh_tokens.add(
            RefreshToken(
                user_id=user.id,
                family_id=family_id or uuid.uuid4(),
                token_hash=sha256_hex(refresh),
                expires_at=now + timedelta(days=self.settings.refresh_token_days),
            ),
            flush=False,
        )
        return IssuedTokens(
            access_token=access,
            refresh_token=refresh,
            expires_in=int(lifetime.total_seconds()),
            user=user,
        )
