"""Categories: reference data read by everyone, maintained by admins.

Categories are shared by every site of an installation (exports and history refer to their
codes); a site remaps eco-organisms in its own settings. A category is never deleted — it is
deactivated — and every change is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.exceptions import Conflict, InvalidInput, NotFound
from recyclic.models.category import Category
from recyclic.models.user import Role, User
from recyclic.repositories.category_repository import CategoryRepository
from recyclic.schemas.category import CategoryCreate, CategoryUpdate
from recyclic.services.access.audit import AuditService, snapshot
from recyclic.services.access.scope import require_role


class CategoryNotFound(NotFound):
    code = "category_not_found"
    message = "Catégorie introuvable."


class CategoryCodeTaken(Conflict):
    code = "category_code_taken"
    message = "Une catégorie porte déjà ce code."


_FIELDS = {
    "label": "label",
    "family": "family",
    "weee_category": "weee_category",
    "flow": "flow",
    "eco_organism": "eco_organism",
    "price_min": "price_min_cents",
    "price_max": "price_max_cents",
    "default_unit_weight_kg": "default_unit_weight_g",
    "vat_rate": "vat_rate_bp",
    "active": "active",
    "display_order": "display_order",
}
_AUDITED = tuple(_FIELDS.values())


def _check_prices(category: Category) -> None:
    if (
        category.price_min_cents is not None
        and category.price_max_cents is not None
        and category.price_min_cents > category.price_max_cents
    ):
        raise InvalidInput("Le prix minimum dépasse le prix maximum.", code="invalid_price_range")


class CategoryService:
    def __init__(self, session: AsyncSession) -> None:
        self.categories = CategoryRepository(session)
        self.audit = AuditService(session)

    async def list_categories(self, *, include_inactive: bool = False) -> list[Category]:
        """Categories in display order; inactive ones only on request."""
        return await self.categories.list(active_only=not include_inactive)

    async def get(self, code: str) -> Category:
        """One category, active or not (404 when unknown)."""
        category = await self.categories.get_by_code(code.strip().upper())
        if category is None:
            raise CategoryNotFound()
        return category

    async def create(self, actor: User, data: CategoryCreate) -> Category:
        """A new category (admins)."""
        require_role(actor, Role.ADMIN)
        if await self.categories.get_by_code(data.code) is not None:
            raise CategoryCodeTaken()
        values: dict[str, Any] = {"code": data.code}
        for field, column in _FIELDS.items():
            values[column] = getattr(data, field)
        category = Category(**values)
        _check_prices(category)
        await self.categories.add(category)
        await self.audit.record(
            actor=actor,
            action="category.create",
            entity_type="category",
            entity_id=category.code,
            site_id=None,
            after=snapshot(category, _AUDITED),
        )
        return category

    async def update(self, actor: User, code: str, data: CategoryUpdate) -> Category:
        """Change a category (admins); deactivate rather than delete."""
        require_role(actor, Role.ADMIN)
        category = await self.categories.get_by_code(code)
        if category is None:
            raise CategoryNotFound()
        before = snapshot(category, _AUDITED)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(category, _FIELDS[field], value)
        _check_prices(category)
        await self.categories.update(category, {})
        await self.audit.record(
            actor=actor,
            action="category.update",
            entity_type="category",
            entity_id=category.code,
            site_id=None,
            before=before,
            after=snapshot(category, _AUDITED),
        )
        return category
