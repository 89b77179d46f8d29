"""Site settings (`/admin/reglages`): legal mentions, VAT mode, cash variance threshold,
payment methods, the till's one-tap buttons, audio retention.

Admins edit their own site; a super admin edits the site chosen in the switcher — like
`PATCH /api/v1/sites/{site_id}` (SiteService.update, audited). Sync settings have their own
page (`/admin/synchronisation`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.responses import HTMLResponse
from pydantic import EmailStr, Field, ValidationError, field_validator

from recyclic.api.deps import SessionDep, SettingsDep
from recyclic.api.errors import field_messages
from recyclic.models.site import Site
from recyclic.schemas.common import Euros, Schema
from recyclic.schemas.site import (
    EXTRA_PAYMENT_METHODS,
    ExtraPaymentMethod,
    SiteSettings,
    SiteUpdate,
    VatMode,
)
from recyclic.services.catalog.categories import CategoryService
from recyclic.services.people.sites import SiteService
from recyclic.web.admin.shell import AdminContext, AdminPage, admin_router, read_form, render

router = admin_router()

METHOD_LABELS = {
    "transfer": "Virement",
    "voucher": "Bon d'achat",
    "local_currency": "Monnaie locale",
    "gift_card": "Carte cadeau",
}
_PRESET_NAMES = {
    "label": "libellé",
    "category": "catégorie",
    "unit_price": "prix",
    "quantity": "quantité",
}
# Empty preset rows offered below the existing ones.
BLANK_PRESETS = 3
_PRESET_FIELDS = ("preset_label", "preset_category", "preset_price", "preset_quantity")


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class SettingsForm(Schema):
    """The settings form (money in euros, a comma allowed)."""

    name: str = Field(min_length=1, max_length=200)
    legal_name: str = Field("", max_length=200)
    siret: str | None = None
    address: str = Field("", max_length=1000)
    contact_email: EmailStr | None = None
    receipt_footer: str = Field("", max_length=500)
    vat_mode: VatMode = "none"
    cash_variance_threshold: Euros = Field(0, ge=0, le=100_000_00)
    payment_methods: list[ExtraPaymentMethod] = Field(default_factory=list)
    audio_retention_days: int | None = Field(None, ge=1, le=3650)
    preset_label: list[str] = Field(default_factory=list)
    preset_category: list[str] = Field(default_factory=list)
    preset_price: list[str] = Field(default_factory=list)
    preset_quantity: list[str] = Field(default_factory=list)

    @field_validator("cash_variance_threshold", mode="before")
    @classmethod
    def _comma(cls, value: Any) -> Any:
        return value.replace(",", ".").replace(" ", "") if isinstance(value, str) else value

    @field_validator("payment_methods", *_PRESET_FIELDS, mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return _as_list(value)

    def presets(self) -> list[dict[str, Any]]:
        """The filled rows of the presets table (a row without label nor category is
        left out)."""
        rows = []
        width = max((len(getattr(self, f)) for f in _PRESET_FIELDS), default=0)

        def cell(field: str, index: int) -> str:
            values = getattr(self, field)
            return values[index].strip() if index < len(values) else ""

        for index in range(width):
            label, category = cell("preset_label", index), cell("preset_category", index)
            if not label and not category:
                continue
            rows.append(
                {
                    "label": label,
                    "category": category.upper(),
                    "unit_price": cell("preset_price", index).replace(",", ".") or "0",
                    "quantity": cell("preset_quantity", index) or "1",
                }
            )
        return rows


def site_update(form: SettingsForm) -> SiteUpdate:
    """The API's change of a site, from the form (raises ValidationError for a bad preset
    or SIRET, which the page shows in the form)."""
    return SiteUpdate.model_validate(
        {
            "name": form.name,
            "legal_name": form.legal_name,
            "siret": form.siret,
            "address": form.address,
            "contact_email": form.contact_email,
            "settings": {
                "vat_mode": form.vat_mode,
                "cash_variance_threshold": str(Decimal(form.cash_variance_threshold).scaleb(-2)),
                "payment_methods": form.payment_methods,
                "audio_retention_days": form.audio_retention_days,
                "receipt_footer": form.receipt_footer,
                "till_presets": form.presets(),
            },
        }
    )


def _french_euros(cents: int) -> str:
    """1250 → « 12,50 »."""
    return f"{Decimal(cents).scaleb(-2)}".replace(".", ",")


def form_values(site: Site) -> dict[str, Any]:
    """The form filled with what is stored."""
    settings = SiteSettings.of(site.settings)
    presets = settings.till_presets
    return {
        "name": site.name,
        "legal_name": site.legal_name,
        "siret": site.siret or "",
        "address": site.address,
        "contact_email": site.contact_email or "",
        "receipt_footer": settings.receipt_footer,
        "vat_mode": settings.vat_mode,
        "cash_variance_threshold": _french_euros(settings.cash_variance_threshold),
        "payment_methods": list(settings.payment_methods),
        "audio_retention_days": settings.audio_retention_days or "",
        "preset_label": [p.label for p in presets],
        "preset_category": [p.category for p in presets],
        "preset_price": [_french_euros(p.unit_price) for p in presets],
        "preset_quantity": [str(p.quantity) for p in presets],
    }


def preset_rows(values: dict[str, Any]) -> list[dict[str, str]]:
    """The rows of the presets table as typed, then a few empty ones."""
    columns = {field: _as_list(values.get(field)) or [] for field in _PRESET_FIELDS}
    width = max(len(column) for column in columns.values())
    rows = [
        {f: (columns[f][i] if i < len(columns[f]) else "") for f in _PRESET_FIELDS}
        for i in range(width)
        if any(columns[f][i] for f in _PRESET_FIELDS if i < len(columns[f]))
    ]
    return rows + [dict.fromkeys(_PRESET_FIELDS, "") for _ in range(BLANK_PRESETS)]


async def _page(
    ctx: AdminContext,
    session: SessionDep,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
    saved: bool = False,
    default_retention: int | None = None,
) -> HTMLResponse:
    categories = await CategoryService(session).list_categories()
    return render(
        ctx,
        "admin/settings.html",
        status_code=status_code,
        values=values,
        errors=errors,
        presets=preset_rows(values),
        methods=[(m, METHOD_LABELS[m]) for m in EXTRA_PAYMENT_METHODS],
        categories=categories,
        saved=saved,
        default_retention=default_retention,
    )


@router.get("/admin/reglages")
async def settings_page(ctx: AdminPage, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The site's settings as stored."""
    retention = settings.audio_retention_days
    return await _page(ctx, session, form_values(ctx.site), {}, default_retention=retention)


@router.post("/admin/reglages")
async def save_settings(ctx: AdminPage, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Save the settings (all or nothing); invalid values come back in the form."""
    form = await read_form(ctx.request, SettingsForm)
    errors = form.errors
    update: SiteUpdate | None = None
    if form.data is not None:
        try:
            update = site_update(form.data)
        except ValidationError as exc:
            errors = _update_errors(exc)
    retention = settings.audio_retention_days
    if update is None:
        return await _page(
            ctx, session, form.values, errors, status_code=422, default_retention=retention
        )
    service = SiteService(session, secret_key=settings.secret_key.get_secret_value())
    ctx.site = await service.update(ctx.user, ctx.site.id, update)
    return await _page(
        ctx, session, form_values(ctx.site), {}, saved=True, default_retention=retention
    )


def _update_errors(exc: ValidationError) -> dict[str, str]:
    """A preset's or the SIRET's error, under the form's field."""
    errors: dict[str, str] = {}
    for field, message in field_messages(exc.errors()).items():
        if field == "siret":
            errors["siret"] = message
        else:
            name = _PRESET_NAMES.get(field.split(".")[-1], field)
            errors.setdefault("presets", f"Bouton rapide, {name} : {message}")
    return errors
