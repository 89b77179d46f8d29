"""Categories: reading is public; admins create and edit them."""

from __future__ import annotations

from fastapi import APIRouter, Path, status

from recyclic.api.deps import AdminUser, SessionDep
from recyclic.schemas.category import CategoryCreate, CategoryOut, CategoryUpdate
from recyclic.services.catalog.categories import CategoryService

router = APIRouter(prefix="/categories", tags=["catégories"])
_ADMIN_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "Non authentifié"},
    403: {"description": "Rôle insuffisant"},
    404: {"description": "Catégorie inconnue"},
    409: {"description": "Code déjà utilisé"},
}


@router.get("", response_model=list[CategoryOut], summary="Catégories actives")
async def list_categories(session: SessionDep) -> list[CategoryOut]:
    """Active categories with their regulatory mapping, in display order."""
    categories = await CategoryService(session).list_categories()
    return [CategoryOut.model_validate(c) for c in categories]


@router.post(
    "", response_model=CategoryOut, status_code=status.HTTP_201_CREATED, responses=_ADMIN_ERRORS
)
async def create_category(
    data: CategoryCreate, actor: AdminUser, session: SessionDep
) -> CategoryOut:
    """A new category, shared by every site of the installation."""
    return CategoryOut.model_validate(await CategoryService(session).create(actor, data))


@router.patch("/{code}", response_model=CategoryOut, responses=_ADMIN_ERRORS)
async def update_category(
    data: CategoryUpdate,
    actor: AdminUser,
    session: SessionDep,
    code: str = Path(max_length=16),
) -> CategoryOut:
    """Change a category's label, prices, order, VAT rate, eco-organism or active flag."""
    category = await CategoryService(session).update(actor, code.upper(), data)
    return CategoryOut.model_validate(category)
