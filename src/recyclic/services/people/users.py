"""Managing users: approval, roles, deactivation, anonymisation — with the role rules.

Rules (spec §4): nobody raises a role above their own or changes their own role/status; an
admin manages users of their site up to `admin`, never a `super_admin`; the last active admin
of a site cannot be demoted, deactivated or moved; only a super admin moves users between
sites. Every change is audited; a role change or deactivation ends the user's sessions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from recyclic.core.security import hash_pin
from recyclic.models.base import utcnow
from recyclic.models.user import Role, User, UserStatus
from recyclic.repositories.auth_repository import RefreshTokenRepository
from recyclic.repositories.base import KeysetPage
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.user_repository import UserFilters, UserRepository
from recyclic.schemas.user import UserCreate, UserUpdate
from recyclic.services.access.audit import AuditService, snapshot
from recyclic.services.access.scope import is_super_admin, require_role, site_filter, target_site
from recyclic.services.messaging.telegram_service import NotificationService
from recyclic.services.people.auth import check_pin_strength
from recyclic.services.people.pin_guard import PinGuard
from recyclic.services.people.sites import SiteNotFound


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "Utilisateur introuvable."


class CannotEditSelf(Forbidden):
    code = "cannot_edit_self"
    message = "Vous ne pouvez pas modifier votre propre rôle, statut ou site."


class CannotManageSuperAdmin(Forbidden):
    code = "cannot_manage_super_admin"
    message = "Seul un super administrateur peut gérer un super administrateur."


class RoleTooHigh(Forbidden):
    code = "role_too_high"
    message = "Vous ne pouvez pas attribuer un rôle supérieur au vôtre."


class SiteChangeForbidden(Forbidden):
    code = "site_change_forbidden"
    message = "Seul un super administrateur peut changer le site d'un utilisateur."


class LastAdmin(Conflict):
    code = "last_admin"
    message = "C'est le dernier administrateur actif du site : nommez-en un autre d'abord."


class UserAnonymized(Conflict):
    code = "user_anonymized"
    message = "Ce compte a été anonymisé : il ne peut plus recevoir de code PIN."


class InvalidStatusTransition(Conflict):
    code = "invalid_status_transition"


class TelegramIdTaken(Conflict):
    code = "telegram_id_taken"
    message = "Un utilisateur utilise déjà cet identifiant Telegram."


# pending → approved | rejected; a rejected registration may be reconsidered.
_ALLOWED_STATUS = {
    UserStatus.PENDING: {UserStatus.APPROVED, UserStatus.REJECTED},
    UserStatus.REJECTED: {UserStatus.APPROVED},
    UserStatus.APPROVED: set(),
}
_AUDITED = ("full_name", "username", "email", "role", "status", "is_active", "site_id")
_ANONYMOUS_NAME = "Utilisateur anonymisé"


@dataclass(frozen=True, slots=True)
class UserActions:
    """What an actor may do to a user, by the rules above: the back office shows only these
    buttons (the service checks each action again)."""

    roles: tuple[Role, ...] = ()
    change_role: bool = False
    change_active: bool = False
    set_pin: bool = False
    anonymize: bool = False
    move_site: bool = False
    # The last active admin of the site: may not be demoted, deactivated nor anonymised.
    last_admin: bool = False
    is_self: bool = False

    @property
    def any(self) -> bool:
        return self.change_role or self.change_active or self.set_pin or self.anonymize


def _is_active_admin(user: User) -> bool:
    return user.role == Role.ADMIN and user.status == UserStatus.APPROVED and user.is_active


class UserService:
    def __init__(
        self, session: AsyncSession, *, notifications: NotificationService | None = None
    ) -> None:
        self.users = UserRepository(session)
        self.sites = SiteRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        self.audit = AuditService(session)
        self.notifications = notifications

    async def list_users(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        filters: UserFilters,
        limit: int,
        cursor: str | None,
    ) -> KeysetPage[User]:
        """Users of the actor's site (every site for a super admin unless one is named)."""
        require_role(actor, Role.ADMIN)
        return await self.users.page(
            site_filter(actor, site_id), filters, limit=limit, cursor=cursor
        )

    async def get_user(self, actor: User, user_id: uuid.UUID) -> User:
        """A user of the actor's site; 404 for other sites."""
        require_role(actor, Role.ADMIN)
        scope = None if is_super_admin(actor) else actor.site_id
        user = await self.users.get_in_site(user_id, scope)
        if user is None:
            raise UserNotFound()
        return user

    async def pending(
        self,
        actor: User,
        *,
        site_id: uuid.UUID | None,
        status: UserStatus,
        limit: int,
        cursor: str | None,
        without_site: bool = False,
    ) -> KeysetPage[User]:
        """Registrations of the site in `status` (pending or rejected); a super admin may ask
        for those no site has claimed (`without_site`)."""
        require_role(actor, Role.ADMIN)
        if without_site and not is_super_admin(actor):
            raise SiteChangeForbidden()
        scope = None if without_site else target_site(actor, site_id)
        filters = UserFilters(status=status, without_site=without_site)
        return await self.users.page(scope, filters, limit=limit, cursor=cursor)

    async def actions(self, actor: User, target: User) -> UserActions:
        """What `actor` may do to `target` (a user of their site, already loaded)."""
        is_self = target.id == actor.id
        if target.anonymized_at is not None or (
            target.role == Role.SUPER_ADMIN and not is_super_admin(actor)
        ):
            return UserActions(is_self=is_self)
        last_admin = (
            _is_active_admin(target)
            and target.site_id is not None
            and await self.users.count_active_admins(target.site_id, excluding=target.id) == 0
        )
        approved = target.status == UserStatus.APPROVED
        may_change = approved and not is_self and not last_admin
        return UserActions(
            roles=tuple(role for role in Role if role.rank <= actor.role.rank),
            change_role=may_change,
            change_active=may_change,
            set_pin=True,
            anonymize=not is_self and not last_admin,
            move_site=approved and not is_self and not last_admin and is_super_admin(actor),
            last_admin=last_admin,
            is_self=is_self,
        )

    async def create_user(self, actor: User, data: UserCreate) -> User:
        """An approved user, by Telegram id (or PIN only); approves a matching registration."""
        require_role(actor, Role.ADMIN)
        self._check_grantable(actor, data.role)
        site_id = target_site(actor, data.site_id)
        if await self.sites.get(site_id) is None:
            raise SiteNotFound()
        if data.telegram_id is None and not data.pin:
            raise InvalidInput(
                "Indiquez un identifiant Telegram ou un code PIN.", code="identifier_required"
            )
        if data.pin:
            check_pin_strength(data.pin)
        if data.telegram_id is not None:
            existing = await self.users.get_by_telegram_id(data.telegram_id)
            if existing is not None:
                return await self._approve_registration(actor, existing, data, site_id)
        user = User(
            telegram_id=data.telegram_id,
            full_name=data.full_name,
            username=data.username,
            email=data.email,
            role=data.role,
            status=UserStatus.APPROVED,
            is_active=True,
            site_id=site_id,
            pin_hash=await hash_pin(data.pin) if data.pin else None,
        )
        await self.users.add(user)
        await self.audit.record(
            actor=actor,
            action="user.create",
            entity_type="user",
            entity_id=user.id,
            site_id=site_id,
            after=snapshot(user, _AUDITED),
        )
        return user

    async def _approve_registration(
        self, actor: User, existing: User, data: UserCreate, site_id: uuid.UUID
    ) -> User:
        # Pre-approving someone who already wrote to the bot: approve that registration.
        if existing.status != UserStatus.PENDING or existing.site_id not in (None, site_id):
            raise TelegramIdTaken()
        before = snapshot(existing, _AUDITED)
        existing.status = UserStatus.APPROVED
        existing.role = data.role
        existing.site_id = site_id
        existing.full_name = data.full_name
        if data.pin:
            existing.pin_hash = await hash_pin(data.pin)
        await self.users.update(existing, {})
        self._tell_applicant(existing)
        await self.audit.record(
            actor=actor,
            action="user.approve",
            entity_type="user",
            entity_id=existing.id,
            site_id=site_id,
            before=before,
            after=snapshot(existing, _AUDITED),
        )
        return existing

    async def update_user(self, actor: User, user_id: uuid.UUID, data: UserUpdate) -> User:
        """Approve/reject, change role, (de)activate, rename, or move (super admin)."""
        target = await self.get_user(actor, user_id)
        changes = data.model_dump(exclude_unset=True)
        sensitive = {"role", "status", "is_active", "site_id"} & changes.keys()
        if target.id == actor.id and sensitive:
            raise CannotEditSelf()
        if target.role == Role.SUPER_ADMIN and not is_super_admin(actor):
            raise CannotManageSuperAdmin()
        was_active_admin = _is_active_admin(target)
        old_site, old_role, old_active = target.site_id, target.role, target.is_active
        before = snapshot(target, _AUDITED)

        if "site_id" in changes and changes["site_id"] != target.site_id:
            await self._move(actor, target, changes["site_id"])
        decided = "status" in changes and changes["status"] != target.status
        if decided:
            self._change_status(target, changes["status"], requested_role=changes.get("role"))
        if changes.get("role") is not None:
            self._check_grantable(actor, changes["role"])
            target.role = changes["role"]
        if changes.get("is_active") is not None:
            target.is_active = changes["is_active"]
        for field in ("full_name", "username", "email"):
            if field in changes and (field != "full_name" or changes[field]):
                setattr(
                    target,
                    field,
                    changes[field].strip() if field == "full_name" else changes[field],
                )

        if (
            was_active_admin
            and old_site is not None
            and (not _is_active_admin(target) or target.site_id != old_site)
        ):
            await self._ensure_not_last_admin(target, old_site)
        if target.role != old_role or target.is_active != old_active or target.site_id != old_site:
            await self.refresh_tokens.revoke_all_for_user(target.id, utcnow())
        await self.users.update(target, {})
        if decided:
            self._tell_applicant(target)
        await self.audit.record(
            actor=actor,
            action="user.update",
            entity_type="user",
            entity_id=target.id,
            site_id=target.site_id,
            before=before,
            after=snapshot(target, _AUDITED),
        )
        return target

    async def anonymize(self, actor: User, user_id: uuid.UUID) -> User:
        """GDPR erasure: name, Telegram id, username and e-mail go; the id stays in history."""
        target = await self.get_user(actor, user_id)
        if target.id == actor.id:
            raise CannotEditSelf()
        if target.role == Role.SUPER_ADMIN and not is_super_admin(actor):
            raise CannotManageSuperAdmin()
        if _is_active_admin(target) and target.site_id is not None:
            await self._ensure_not_last_admin(target, target.site_id)
        now = utcnow()
        target.full_name = _ANONYMOUS_NAME
        target.telegram_id = None
        target.username = None
        target.email = None
        target.pin_hash = None
        target.is_active = False
        target.anonymized_at = now
        await self.refresh_tokens.revoke_all_for_user(target.id, now)
        await self.users.update(target, {})
        await self.audit.record(
            actor=actor,
            action="user.anonymize",
            entity_type="user",
            entity_id=target.id,
            site_id=target.site_id,
        )
        return target

    async def set_pin(self, actor: User, user_id: uuid.UUID, pin: str | None) -> User:
        """Set (or, with None, remove) the PIN of a user of the site: a volunteer who forgot
        theirs, or one without Telegram. Their PIN locks are lifted with it."""
        target = await self.get_user(actor, user_id)
        if target.role == Role.SUPER_ADMIN and not is_super_admin(actor):
            raise CannotManageSuperAdmin()
        if target.anonymized_at is not None:
            raise UserAnonymized()
        if pin is not None:
            check_pin_strength(pin)
        target.pin_hash = await hash_pin(pin) if pin is not None else None
        target.pin_failed_attempts = 0
        target.pin_locked_until = None
        await self.users.update(target, {})
        await self.audit.record(
            actor=actor,
            action="user.pin_set" if pin is not None else "user.pin_remove",
            entity_type="user",
            entity_id=target.id,
            site_id=target.site_id,
        )
        return target

    async def unlock_pin(self, actor: User, user_id: uuid.UUID, guard: PinGuard) -> User:
        """Lift every PIN lock of a user of the site (after wrong PINs by anyone)."""
        target = await self.get_user(actor, user_id)
        if target.role == Role.SUPER_ADMIN and not is_super_admin(actor):
            raise CannotManageSuperAdmin()
        await guard.unlock(target)
        await self.users.update(target, {})
        await self.audit.record(
            actor=actor,
            action="user.pin_unlock",
            entity_type="user",
            entity_id=target.id,
            site_id=target.site_id,
        )
        return target

    def _tell_applicant(self, user: User) -> None:
        """The applicant hears the outcome of their registration (after the commit)."""
        if self.notifications is None:
            return
        if user.status == UserStatus.APPROVED:
            text = (
                "🎉 Votre inscription est validée, bienvenue ! "
                "Tapez /depot pour enregistrer un dépôt, ou /aide pour tout voir."
            )
        elif user.status == UserStatus.REJECTED:
            text = (
                "Votre demande d'inscription n'a pas été acceptée. "
                "Rapprochez-vous d'un responsable de la ressourcerie si c'est une erreur."
            )
        else:
            return
        self.notifications.notify_user(user, text)

    # --- Rules ----------------------------------------------------------------------------

    @staticmethod
    def _check_grantable(actor: User, role: Role) -> None:
        if role.rank > actor.role.rank:
            raise RoleTooHigh()

    @staticmethod
    def _change_status(target: User, new: UserStatus, *, requested_role: Role | None) -> None:
        if new not in _ALLOWED_STATUS[target.status]:
            raise InvalidStatusTransition(
                f"Passage du statut « {target.status.value} » à « {new.value} » impossible "
                "(pour suspendre un compte approuvé, désactivez-le)."
            )
        if new == UserStatus.APPROVED:
            if target.site_id is None:
                raise InvalidInput(
                    "Rattachez d'abord l'utilisateur à un site (site_id).", code="site_required"
                )
            # Approval gives `operator` unless the approving admin picks another role.
            target.role = requested_role or Role.OPERATOR
        target.status = new

    async def _move(self, actor: User, target: User, site_id: uuid.UUID | None) -> None:
        if not is_super_admin(actor):
            raise SiteChangeForbidden()
        if site_id is None or await self.sites.get(site_id) is None:
            raise SiteNotFound()
        target.site_id = site_id

    async def _ensure_not_last_admin(self, target: User, site_id: uuid.UUID) -> None:
        if await self.users.count_active_admins(site_id, excluding=target.id) == 0:
            raise LastAdmin()
