"""Categories (`/admin/categories`): labels, prices, default unit weight, VAT rate, order,
active flag, eco-organism — the installation's, and where the category reports on this site.

Admins, like `POST /api/v1/categories` and `PATCH /api/v1/categories/{code}`. Categories are
shared by every site of the installation; a site only remaps the eco-organism (its settings).
A category is never deleted: it is deactivated. Its code never changes (exports and history
refer to it), so it is typed once, in the form of a new category.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.responses import HTMLResponse
from pydantic import Field, field_validator

from recyclic.api.deps import SessionDep, SettingsDep
from recyclic.models.category import Category
from recyclic.schemas.category import CategoryCreate, CategoryUpdate, VatRate
from recyclic.schemas.common import Euros, Kilograms, Schema
from recyclic.schemas.site import SiteSettings
from recyclic.services.catalog.categories import CategoryCodeTaken, CategoryService
from recyclic.services.people.sites import SiteService
from recyclic.web.admin.shell import AdminContext, AdminPage, admin_router, read_form, render

router = admin_router()

_NAME = r"^[a-z0-9_-]{1,64}$"
_CODE = r"^[A-Z0-9][A-Z0-9-]{0,15}$"
# What the form of a new category shows first.
_NEW_VALUES = {"display_order": "500", "vat_rate": "0", "active": "1"}
_DECIMALS = ("price_min", "price_max", "default_unit_weight_kg", "vat_rate")


class CategoryForm(Schema):
    """The edit form: every field is shown, so an empty optional field clears it. Decimals
    may be typed with a comma (12,50)."""

    label: str = Field(min_length=1, max_length=200)
    price_min: Euros | None = Field(None, ge=0, le=100_000_00)
    price_max: Euros | None = Field(None, ge=0, le=100_000_00)
    default_unit_weight_kg: Kilograms | None = Field(None, gt=0, le=10_000_000)
    vat_rate: VatRate = 0
    display_order: int = Field(ge=0, le=100_000)
    active: bool = False
    eco_organism: str | None = Field(None, pattern=_NAME)
    site_eco_organism: str | None = Field(None, pattern=_NAME)

    @field_validator(*_DECIMALS, mode="before")
    @classmethod
    def _comma(cls, value: Any) -> Any:
        return value.replace(",", ".").replace(" ", "") if isinstance(value, str) else value

    @field_validator("label", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("eco_organism", "site_eco_organism", mode="before")
    @classmethod
    def _name(cls, value: Any) -> Any:
        return (value.strip().lower() or None) if isinstance(value, str) else value

    def api_values(self) -> dict[str, Any]:
        """The fields as the API's bodies read them: euros, kilograms and percents."""
        values = self.model_dump(exclude={"site_eco_organism"})
        return {
            **values,
            "price_min": _euros(values["price_min"]),
            "price_max": _euros(values["price_max"]),
            "default_unit_weight_kg": _kg(values["default_unit_weight_kg"]),
            "vat_rate": str(Decimal(values["vat_rate"]).scaleb(-2)),
        }

    def update(self) -> CategoryUpdate:
        return CategoryUpdate.model_validate(self.api_values())


class NewCategoryForm(CategoryForm):
    """A new category: the edit form plus what never changes afterwards (code, family, WEEE
    category, declaration flow)."""

    code: str = Field(pattern=_CODE)
    family: str = Field(pattern=_CODE)
    weee_category: int | None = Field(None, ge=1, le=7)
    flow: str | None = Field(None, max_length=16)

    @field_validator("code", "family", "flow", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return (value.strip().upper() or None) if isinstance(value, str) else value

    def create(self) -> CategoryCreate:
        return CategoryCreate.model_validate(self.api_values())


def _euros(cents: int | None) -> str | None:
    return None if cents is None else str(Decimal(cents).scaleb(-2))


def _kg(grams: int | None) -> str | None:
    return None if grams is None else str(Decimal(grams).scaleb(-3))


def form_values(category: Category, site_mapping: dict[str, str]) -> dict[str, Any]:
    """The form filled with what is stored (decimals with a French comma)."""

    def french(text: str | None) -> str:
        return "" if text is None else text.replace(".", ",")

    vat = format(Decimal(category.vat_rate_bp).scaleb(-2).normalize(), "f")
    return {
        "label": category.label,
        "price_min": french(_euros(category.price_min_cents)),
        "price_max": french(_euros(category.price_max_cents)),
        "default_unit_weight_kg": french(_kg(category.default_unit_weight_g)),
        "vat_rate": french(vat),
        "display_order": str(category.display_order),
        "active": "1" if category.active else "",
        "eco_organism": category.eco_organism or "",
        "site_eco_organism": site_mapping.get(category.code, ""),
    }


def percent(basis_points: int) -> str:
    """2000 → « 20 % », 550 → « 5,5 % »."""
    return format(Decimal(basis_points).scaleb(-2).normalize(), "f").replace(".", ",") + " %"


def site_mapping(ctx: AdminContext) -> dict[str, str]:
    stored = SiteSettings.of(ctx.site.settings).eco_organisms
    return {code.strip().upper(): name for code, name in stored.items()}


async def _list(ctx: AdminContext, session: SessionDep, saved: str | None = None) -> HTMLResponse:
    categories = await CategoryService(session).list_categories(include_inactive=True)
    return render(
        ctx,
        "admin/categories.html",
        categories=categories,
        mapping=site_mapping(ctx),
        saved=saved,
        percent=percent,
    )


@router.get("/admin/categories")
async def categories_page(ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    """Every category, active or not, in display order."""
    return await _list(ctx, session)


async def _saved(
    ctx: AdminContext,
    session: SessionDep,
    settings: SettingsDep,
    category: Category,
    form: CategoryForm,
) -> HTMLResponse:
    """After a category is written: where it reports on this site, then back to the list."""
    sites = SiteService(session, secret_key=settings.secret_key.get_secret_value())
    ctx.site = await sites.set_eco_organism(
        ctx.user, ctx.site.id, category.code, form.site_eco_organism
    )
    response = await _list(ctx, session, saved=category.label)
    response.headers["HX-Push-Url"] = ctx.url("/admin/categories")
    return response


async def _families(session: SessionDep) -> list[str]:
    categories = await CategoryService(session).list_categories(include_inactive=True)
    return sorted({c.family for c in categories})


@router.get("/admin/categories/nouvelle")
async def new_category_form(ctx: AdminPage, session: SessionDep) -> HTMLResponse:
    """The form of a new category (declared before `/{code}`: codes are upper case)."""
    return render(
        ctx,
        "admin/category_form.html",
        category=None,
        families=await _families(session),
        values=_NEW_VALUES,
        errors={},
    )


@router.post("/admin/categories/nouvelle")
async def create_category(
    ctx: AdminPage, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """Create the category, then where it reports on this site; back to the list."""
    form = await read_form(ctx.request, NewCategoryForm)
    errors = form.errors
    if form.data is not None:
        try:
            category = await CategoryService(session).create(ctx.user, form.data.create())
        except CategoryCodeTaken:
            errors = {"code": "Ce code est déjà celui d'une catégorie."}
        else:
            return await _saved(ctx, session, settings, category, form.data)
    return render(
        ctx,
        "admin/category_form.html",
        status_code=422,
        category=None,
        families=await _families(session),
        values=form.values,
        errors=errors,
    )


@router.get("/admin/categories/{code}")
async def category_form(ctx: AdminPage, session: SessionDep, code: str) -> HTMLResponse:
    """The edit form of one category (404 for an unknown code)."""
    category = await CategoryService(session).get(code)
    values = form_values(category, site_mapping(ctx))
    return render(ctx, "admin/category_form.html", category=category, values=values, errors={})


@router.post("/admin/categories/{code}")
async def save_category(
    ctx: AdminPage, session: SessionDep, settings: SettingsDep, code: str
) -> HTMLResponse:
    """Save the category, then where it reports on this site; back to the list."""
    service = CategoryService(session)
    category = await service.get(code)
    form = await read_form(ctx.request, CategoryForm)
    if form.data is None:
        return render(
            ctx,
            "admin/category_form.html",
            status_code=422,
            category=category,
            values=form.values,
            errors=form.errors,
        )
    await service.update(ctx.user, category.code, form.data.update())
    return await _saved(ctx, session, settings, category, form.data)
