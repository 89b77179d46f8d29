"""Sites: creation, reading and settings, with site isolation and secrets kept out of reach."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from recyclic.core.security import decrypt_secret, encrypt_secret
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.schemas.site import (
    SYNC_SECRET_KEYS,
    SiteCreate,
    SiteSettings,
    SiteSettingsUpdate,
    SiteUpdate,
    SyncConfigOut,
    SyncConfigUpdate,
)
from recyclic.services.access.audit import AuditService, snapshot
from recyclic.services.access.scope import ensure_same_site, is_super_admin, require_role
from recyclic.utils.text import slugify


class SiteNotFound(NotFound):
    code = "site_not_found"
    message = "Site introuvable."


class SiteSlugTaken(Conflict):
    code = "site_slug_taken"
    message = "Un site utilise déjà cet identifiant court (slug)."


_AUDITED_FIELDS = (
    "name",
    "address",
    "contact_email",
    "timezone",
    "legal_name",
    "siret",
    "settings",
    "branding",
    "is_active",
)
_SECRET_KEYS = SYNC_SECRET_KEYS


def read_sync_secret(site: Site, name: str, *, secret_key: str) -> str | None:
    """A decrypted sync secret of a site (for the sync service only)."""
    encrypted = (site.sync_config or {}).get(_SECRET_KEYS[name])
    return decrypt_secret(encrypted, secret=secret_key) if encrypted else None


class SiteService:
    def __init__(self, session: AsyncSession, *, secret_key: str = "") -> None:
        self.sites = SiteRepository(session)
        self.categories = CategoryRepository(session)
        self.audit = AuditService(session)
        self.secret_key = secret_key

    # --- Bootstrap helpers (CLI, demo) ----------------------------------------------------

    async def create_site(
        self, name: str, *, timezone: str, slug: str | None = None, **fields: object
    ) -> Site:
        """A new site; its slug comes from the name unless given, and must be free."""
        slug = slugify(slug or name)
        if await self.sites.get_by_slug(slug) is not None:
            raise SiteSlugTaken()
        site = Site(name=name.strip(), slug=slug, timezone=timezone, **fields)
        return await self.sites.add(site)

    async def find_by_name_or_slug(self, name_or_slug: str) -> Site | None:
        """The site named or slugged so, or None."""
        return await self.sites.get_by_slug(slugify(name_or_slug)) or await self.sites.get_by_name(
            name_or_slug.strip()
        )

    async def get_or_create(self, name: str, *, timezone: str) -> tuple[Site, bool]:
        """The site with this name or slug, created if missing; True when created."""
        site = await self.find_by_name_or_slug(name)
        if site is not None:
            return site, False
        return await self.create_site(name, timezone=timezone), True

    async def only_site(self) -> Site | None:
        """The site of a single-site installation; None when there are zero or several."""
        sites = await self.sites.list_all()
        return sites[0] if len(sites) == 1 else None

    # --- API ------------------------------------------------------------------------------

    async def list_sites(self, actor: User) -> list[Site]:
        """Every site for a super admin; one's own site otherwise."""
        if is_super_admin(actor):
            return await self.sites.list_all()
        if actor.site_id is None:
            return []
        site = await self.sites.get(actor.site_id)
        return [site] if site else []

    async def get_site(self, actor: User, site_id: uuid.UUID) -> Site:
        """A site the actor belongs to (any site for a super admin); 404 otherwise."""
        ensure_same_site(actor, site_id)
        site = await self.sites.get(site_id)
        if site is None:
            raise SiteNotFound()
        return site

    async def create(self, actor: User, data: SiteCreate) -> Site:
        """A new site (super admin)."""
        require_role(actor, Role.SUPER_ADMIN)
        settings = await self._merged_settings({}, data.settings)
        site = await self.create_site(
            data.name,
            slug=data.slug,
            timezone=data.timezone,
            address=data.address,
            contact_email=data.contact_email,
            legal_name=data.legal_name,
            siret=data.siret,
            settings=settings,
        )
        await self.audit.record(
            actor=actor,
            action="site.create",
            entity_type="site",
            entity_id=site.id,
            site_id=site.id,
            after=snapshot(site, _AUDITED_FIELDS),
        )
        return site

    async def update(self, actor: User, site_id: uuid.UUID, data: SiteUpdate) -> Site:
        """Change a site (its admins, or a super admin); every change is audited."""
        require_role(actor, Role.ADMIN)
        site = await self.get_site(actor, site_id)
        before = snapshot(site, _AUDITED_FIELDS)
        sync_before = SyncConfigOut.of(site.sync_config).model_dump()
        changes = data.model_dump(exclude_unset=True, exclude={"settings", "sync", "branding"})
        if "is_active" in changes and not is_super_admin(actor):
            raise Forbidden("Seul un super administrateur peut (dés)activer un site.")
        for field, value in changes.items():
            if field == "name" and value is not None:
                value = value.strip()
            setattr(site, field, value)
        if data.settings is not None:
            site.settings = await self._merged_settings(site.settings, data.settings)
        if data.branding is not None:
            site.branding = dict(data.branding)
        if data.sync is not None:
            site.sync_config = self._merged_sync(site.sync_config, data.sync)
        await self.sites.update(site, {})
        await self.audit.record(
            actor=actor,
            action="site.update",
            entity_type="site",
            entity_id=site.id,
            site_id=site.id,
            before=before,
            after=snapshot(site, _AUDITED_FIELDS),
        )
        await self.audit.record(
            actor=actor,
            action="site.sync_update",
            entity_type="site",
            entity_id=site.id,
            site_id=site.id,
            before=sync_before,
            after=SyncConfigOut.of(site.sync_config).model_dump(),
        )
        return site

    async def set_eco_organism(
        self, actor: User, site_id: uuid.UUID, code: str, organism: str | None
    ) -> Site:
        """Where one category reports on this site: `organism`, or the category's own
        eco-organism when None (the override is removed). Audited like any site change."""
        site = await self.get_site(actor, site_id)
        code = code.strip().upper()
        category = await self.categories.get_by_code(code)
        if category is None:
            raise InvalidInput(f"Catégorie inconnue : {code}.", code="unknown_category")
        stored = SiteSettings.of(site.settings).eco_organisms
        mapping = {key.strip().upper(): name for key, name in stored.items()}
        default = (category.eco_organism or "").strip().lower() or None
        wanted = organism.strip().lower() if organism else None
        if wanted is None or wanted == default:
            changed = mapping.pop(code, None) is not None
        else:
            changed = mapping.get(code) != wanted
            mapping[code] = wanted
        if not changed:
            return site
        update = SiteUpdate(settings=SiteSettingsUpdate(eco_organisms=mapping))
        return await self.update(actor, site_id, update)

    async def _merged_settings(
        self, stored: dict[str, Any], update: SiteSettingsUpdate | None
    ) -> dict[str, Any]:
        current = SiteSettings.of(stored).model_dump()
        if update is not None:
            changes = update.model_dump(exclude_unset=True, exclude_none=True)
            if "till_presets" in changes:
                for preset in changes["till_presets"]:
                    preset["category"] = preset["category"].strip().upper()
            named = {
                "eco_organisms": set(changes.get("eco_organisms", {})),
                "till_presets": {p["category"] for p in changes.get("till_presets", [])},
            }
            if any(named.values()):
                known = {c.code for c in await self.categories.list(active_only=False)}
                for field, codes in named.items():
                    unknown = sorted(codes - known)
                    if unknown:
                        raise InvalidInput(
                            f"Catégorie inconnue dans {field} : {', '.join(unknown)}.",
                            code="unknown_category",
                        )
            current.update(changes)
        return SiteSettings.model_validate(current).model_dump()

    def _merged_sync(self, stored: dict[str, Any], update: SyncConfigUpdate) -> dict[str, Any]:
        config = dict(stored or {})
        for field, value in update.model_dump(exclude_unset=True).items():
            key = _SECRET_KEYS.get(field, field)
            if value in (None, ""):
                config.pop(key, None)
            elif field in _SECRET_KEYS:
                if not self.secret_key:
                    raise RuntimeError("SiteService needs the server secret to store credentials")
                config[key] = encrypt_secret(value, secret=self.secret_key)
            else:
                config[key] = value
        return config
