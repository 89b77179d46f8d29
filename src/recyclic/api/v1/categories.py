"""Categories (reading is public)."""

from __future__ import annotations

from fastapi import APIRouter

from recyclic.api.deps import SessionDep
from recyclic.schemas.category import CategoryOut
from recyclic.services.category_service import CategoryService

router = APIRouter(prefix="/categories", tags=["catégories"])


@router.get("", response_model=list[CategoryOut], summary="Catégories actives")
async def list_categories(session: SessionDep) -> list[CategoryOut]:
    """Active categories with their regulatory mapping, in display order."""
    categories = await CategoryService(session).list_categories()
    return [CategoryOut.model_validate(c) for c in categories]
