"""Who may act on which site: the site-scoping rules shared by every interface."""

from __future__ import annotations

import uuid
from typing import Protocol

from recyclic.core.exceptions import Forbidden, InvalidInput, NotFound
from recyclic.models.user import Role


class SiteRequired(InvalidInput):
    code = "site_required"
    message = "Précisez le site concerné (site_id)."


class OutsideSite(NotFound):
    """Another site's row: answered as "not found" so that nothing leaks about it."""

    code = "not_found"
    message = "Ressource introuvable."


class RoleTooLow(Forbidden):
    code = "forbidden"


class ActingUser(Protocol):
    """What these rules read of a user: a `User`, or the till's lighter `Actor`."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def role(self) -> Role: ...

    @property
    def site_id(self) -> uuid.UUID | None: ...


def is_super_admin(user: ActingUser) -> bool:
    """True for a federation administrator (acts on every site)."""
    return user.role == Role.SUPER_ADMIN


def require_role(user: ActingUser, minimum: Role) -> None:
    """Raise 403 unless `user` holds at least `minimum`."""
    if not user.role.at_least(minimum):
        raise RoleTooLow()


def target_site(user: ActingUser, requested: uuid.UUID | None) -> uuid.UUID:
    """The one site an action applies to.

    A super admin names it (or acts on their own); everyone else is bound to their own site,
    and naming another one is a 404.
    """
    if is_super_admin(user):
        site_id = requested or user.site_id
        if site_id is None:
            raise SiteRequired()
        return site_id
    if user.site_id is None:
        raise RoleTooLow("Votre compte n'est rattaché à aucun site.")
    if requested is not None and requested != user.site_id:
        raise OutsideSite()
    return user.site_id


def site_filter(user: ActingUser, requested: uuid.UUID | None) -> uuid.UUID | None:
    """The site a listing is limited to; None lets a super admin see every site."""
    if is_super_admin(user):
        return requested
    return target_site(user, requested)


def ensure_same_site(user: ActingUser, site_id: uuid.UUID | None) -> None:
    """404 unless the row's site is the user's (super admins see every site)."""
    if is_super_admin(user):
        return
    if site_id is None or site_id != user.site_id:
        raise OutsideSite()
