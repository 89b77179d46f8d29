"""Sites: read by their members, created by super admins, configured by their admins."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from recyclic.api.deps import AdminUser, CurrentUser, SessionDep, SettingsDep, SuperAdminUser
from recyclic.models.user import Role
from recyclic.schemas.site import SiteCreate, SiteOut, SiteUpdate
from recyclic.services.people.sites import SiteService

router = APIRouter(
    prefix="/sites",
    tags=["sites"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant"},
        404: {"description": "Introuvable (ou autre site)"},
    },
)


@router.get("", response_model=list[SiteOut])
async def list_sites(user: CurrentUser, session: SessionDep) -> list[SiteOut]:
    """One's own site; every site for a super admin. The sync configuration is shown to
    admins only."""
    admin = user.role.at_least(Role.ADMIN)
    sites = await SiteService(session).list_sites(user)
    return [SiteOut.from_site(s, show_sync=admin) for s in sites]


@router.get("/{site_id}", response_model=SiteOut)
async def get_site(site_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> SiteOut:
    """A site (sync secrets are never returned; its configuration only to admins)."""
    site = await SiteService(session).get_site(user, site_id)
    return SiteOut.from_site(site, show_sync=user.role.at_least(Role.ADMIN))


@router.post("", response_model=SiteOut, status_code=status.HTTP_201_CREATED)
async def create_site(
    data: SiteCreate, actor: SuperAdminUser, session: SessionDep, settings: SettingsDep
) -> SiteOut:
    """A new site (super admin)."""
    service = SiteService(session, secret_key=settings.secret_key.get_secret_value())
    return SiteOut.from_site(await service.create(actor, data))


@router.patch("/{site_id}", response_model=SiteOut)
async def update_site(
    site_id: uuid.UUID,
    data: SiteUpdate,
    actor: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
) -> SiteOut:
    """Identity, legal mentions, settings, branding and sync configuration of a site."""
    service = SiteService(session, secret_key=settings.secret_key.get_secret_value())
    return SiteOut.from_site(await service.update(actor, site_id, data))
