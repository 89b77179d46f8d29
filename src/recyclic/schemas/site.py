"""Site bodies: identity, legal mentions, settings and sync configuration."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import EmailStr, Field, field_validator

from recyclic.schemas.common import CentsAsEuros, Euros, PatchSchema, ResponseSchema, Schema

# Payment methods a site may enable on top of cash, card, check and free.
EXTRA_PAYMENT_METHODS = ("transfer", "voucher", "local_currency", "gift_card")
ExtraPaymentMethod = Literal["transfer", "voucher", "local_currency", "gift_card"]
VatMode = Literal["none", "standard"]
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("fuseau horaire inconnu (ex. Europe/Paris)") from None
    return value


def _check_siret(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    digits = value.replace(" ", "")
    if not re.fullmatch(r"\d{14}", digits):
        raise ValueError("le SIRET comporte 14 chiffres")
    return digits


class TillPreset(ResponseSchema):
    """A one-tap button of the till (e.g. « Don 0 € », « Sac de vêtements 5 € »)."""

    label: str
    category: str
    unit_price: CentsAsEuros
    quantity: int = 1


class TillPresetIn(Schema):
    label: str = Field(min_length=1, max_length=40)
    category: str = Field(min_length=1, max_length=16)
    unit_price: Euros = Field(ge=0, le=100_000_00)
    quantity: int = Field(1, ge=1, le=10_000)


class SiteSettings(ResponseSchema):
    """A site's business settings, as stored (money in cents) and shown (in euros)."""

    cash_variance_threshold: CentsAsEuros = Field(
        0, description="Écart de caisse toléré sans commentaire (euros)."
    )
    vat_mode: VatMode = "none"
    payment_methods: list[ExtraPaymentMethod] = Field(
        default_factory=list, description="Moyens de paiement activés en plus d'espèces/CB/chèque."
    )
    eco_organisms: dict[str, str] = Field(
        default_factory=dict, description="Éco-organisme par code de catégorie (surcharge)."
    )
    audio_retention_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="Conservation des enregistrements (défaut de l'installation).",
    )
    sync_hour: int = Field(3, ge=0, le=23, description="Heure de la synchronisation quotidienne.")
    receipt_footer: str = Field("", max_length=500)
    till_presets: list[TillPreset] = Field(
        default_factory=list, description="Boutons rapides de la caisse (ordre d'affichage)."
    )

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> SiteSettings:
        """Settings from a site's JSON column, defaults filled in."""
        return cls.model_validate(stored or {})


class SiteSettingsUpdate(Schema):
    """Partial settings change (money in euros)."""

    cash_variance_threshold: Euros | None = Field(None, ge=0, le=100_000_00)
    vat_mode: VatMode | None = None
    payment_methods: list[ExtraPaymentMethod] | None = None
    eco_organisms: dict[str, str] | None = None
    audio_retention_days: int | None = Field(None, ge=1, le=3650)
    sync_hour: int | None = Field(None, ge=0, le=23)
    receipt_footer: str | None = Field(None, max_length=500)
    till_presets: list[TillPresetIn] | None = Field(None, max_length=24)

    @field_validator("eco_organisms")
    @classmethod
    def _names(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        for code, name in value.items():
            if not re.fullmatch(r"[a-z0-9_-]{1,64}", name):
                raise ValueError(
                    f"nom d'éco-organisme invalide pour {code} (minuscules, ex. ecologic)"
                )
        return value


# Keys of `Site.sync_config` holding encrypted credentials, by the field that sets them.
SYNC_SECRET_KEYS = {
    "kdrive_password": "kdrive_password_enc",
    "google_sheets_credentials_json": "google_sheets_credentials_enc",
}


class SyncConfigOut(ResponseSchema):
    """Sync configuration; secrets are never returned, only whether they are set."""

    kdrive_url: str | None = None
    kdrive_username: str | None = None
    kdrive_password_set: bool = False
    google_sheets_spreadsheet_id: str | None = None
    google_sheets_credentials_set: bool = False

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> SyncConfigOut:
        """What may be shown of a stored sync configuration."""
        config = stored or {}
        return cls(
            kdrive_url=config.get("kdrive_url"),
            kdrive_username=config.get("kdrive_username"),
            kdrive_password_set=bool(config.get(SYNC_SECRET_KEYS["kdrive_password"])),
            google_sheets_spreadsheet_id=config.get("google_sheets_spreadsheet_id"),
            google_sheets_credentials_set=bool(
                config.get(SYNC_SECRET_KEYS["google_sheets_credentials_json"])
            ),
        )


class SyncConfigUpdate(Schema):
    """Sync configuration change; an empty string clears a value."""

    kdrive_url: str | None = Field(None, max_length=500, pattern=r"^(https?://.*)?$")
    kdrive_username: str | None = Field(None, max_length=200)
    kdrive_password: str | None = Field(None, max_length=500, description="Jamais renvoyé.")
    google_sheets_spreadsheet_id: str | None = Field(None, max_length=200)
    google_sheets_credentials_json: str | None = Field(
        None, max_length=20_000, description="Clé JSON du compte de service. Jamais renvoyée."
    )


class SiteOut(ResponseSchema):
    id: uuid.UUID
    name: str
    slug: str
    address: str
    contact_email: str | None
    timezone: str
    legal_name: str
    siret: str | None
    settings: SiteSettings
    branding: dict[str, Any]
    sync: SyncConfigOut | None = Field(description="Administrateurs seulement (null sinon).")
    is_active: bool
    created_at: datetime

    @classmethod
    def from_site(cls, site: Any, *, show_sync: bool = True) -> SiteOut:
        """Build from a row: settings with defaults, sync without secrets (and without its
        addresses and user names unless `show_sync`: admins only)."""
        return cls(
            id=site.id,
            name=site.name,
            slug=site.slug,
            address=site.address,
            contact_email=site.contact_email,
            timezone=site.timezone,
            legal_name=site.legal_name,
            siret=site.siret,
            settings=SiteSettings.of(site.settings),
            branding=site.branding or {},
            sync=SyncConfigOut.of(site.sync_config) if show_sync else None,
            is_active=site.is_active,
            created_at=site.created_at,
        )


class SiteCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, max_length=64)
    address: str = Field("", max_length=1000)
    contact_email: EmailStr | None = None
    timezone: str = "Europe/Paris"
    legal_name: str = Field("", max_length=200)
    siret: str | None = None
    settings: SiteSettingsUpdate | None = None

    _tz = field_validator("timezone")(_check_timezone)
    _siret = field_validator("siret")(_check_siret)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value):
            raise ValueError("minuscules, chiffres et tirets uniquement (ex. ressourcerie-caen)")
        return value


class SiteUpdate(PatchSchema):
    """Changes to a site; null clears the e-mail and SIRET (and leaves the groups as they are)."""

    nullable = frozenset({"contact_email", "siret", "settings", "branding", "sync"})

    name: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = Field(None, max_length=1000)
    contact_email: EmailStr | None = None
    timezone: str | None = None
    legal_name: str | None = Field(None, max_length=200)
    siret: str | None = None
    settings: SiteSettingsUpdate | None = None
    branding: dict[str, str] | None = None
    sync: SyncConfigUpdate | None = None
    is_active: bool | None = Field(None, description="Super admin uniquement.")

    _tz = field_validator("timezone")(_check_timezone)
    _siret = field_validator("siret")(_check_siret)
