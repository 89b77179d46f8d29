"""Deposits: recorded by volunteers, classified by the AI, validated by a person."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from recyclic.api.deps import (
    AIServiceDep,
    OperatorUser,
    SessionDep,
    SettingsDep,
    SiteIdQuery,
    ViewerUser,
)
from recyclic.api.uploads import UnsupportedMediaType, media_type, read_json, read_upload
from recyclic.models.deposit import DepositStatus
from recyclic.schemas.common import Page
from recyclic.schemas.deposit import (
    Alternative,
    ClassificationOut,
    ClassifyText,
    DepositCreate,
    DepositOut,
    DepositUpdate,
    DepositValidate,
)
from recyclic.services.deposits.deposits import ClassifiedDeposit, DepositQuery, DepositService

router = APIRouter(
    prefix="/deposits",
    tags=["dépôts"],
    responses={
        401: {"description": "Non authentifié"},
        403: {"description": "Rôle insuffisant, ou dépôt d'une autre personne"},
        404: {"description": "Introuvable (ou autre site)"},
    },
)

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Statut incompatible avec l'action"}
}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "Données invalides, catégorie inconnue"}
}

_AUDIO_PART = {
    "type": "string",
    "format": "binary",
    "description": (
        "Enregistrement OGG/Opus, MP3, M4A, WAV ou WebM (reconnu à son contenu), "
        "20 Mo et 3 minutes au plus."
    ),
}
# Two bodies on one route: FastAPI documents one, so the request body is described by hand.
_CLASSIFY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ClassifyText.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["audio"],
                    "properties": {"audio": _AUDIO_PART},
                }
            },
        },
    }
}


def _classification_out(item: ClassifiedDeposit) -> ClassificationOut:
    result = item.classification
    return ClassificationOut(
        category=result.category,
        confidence=result.confidence,
        alternatives=[Alternative(category=c, confidence=s) for c, s in result.alternatives],
        transcription=result.transcription,
        quantity=result.quantity,
        weight_kg=result.weight_grams,
        provider=result.provider,
        deposit=DepositOut.model_validate(item.deposit),
    )


@router.get("", response_model=Page[DepositOut], summary="Liste des dépôts", responses=_INVALID)
async def list_deposits(
    actor: ViewerUser,
    session: SessionDep,
    settings: SettingsDep,
    site_id: SiteIdQuery = None,
    status_: Annotated[DepositStatus | None, Query(alias="status")] = None,
    category: Annotated[str | None, Query(max_length=16, description="Code de catégorie")] = None,
    first_day: Annotated[
        date | None, Query(alias="from", description="Premier jour inclus (fuseau du site)")
    ] = None,
    last_day: Annotated[
        date | None, Query(alias="to", description="Dernier jour inclus (fuseau du site)")
    ] = None,
    created_by: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[DepositOut]:
    """Deposits of the site, newest first (filters: status, category, from, to, created_by)."""
    query = DepositQuery(
        status=status_,
        category=category.strip().upper() if category else None,
        first_day=first_day,
        last_day=last_day,
        created_by=created_by,
    )
    page = await DepositService(session, settings=settings).list_deposits(
        actor, site_id=site_id, query=query, limit=limit, cursor=cursor
    )
    return Page(
        items=[DepositOut.model_validate(d) for d in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    response_model=DepositOut,
    status_code=status.HTTP_201_CREATED,
    summary="Enregistrer un dépôt",
    responses=_INVALID,
)
async def create_deposit(
    data: DepositCreate,
    actor: OperatorUser,
    session: SessionDep,
    settings: SettingsDep,
    ai: AIServiceDep,
    site_id: SiteIdQuery = None,
) -> DepositOut:
    """A draft; classified at once when a category is chosen or a description is given."""
    if data.site_id is None and site_id is not None:
        data = data.model_copy(update={"site_id": site_id})
    deposit = await DepositService(session, settings=settings, ai=ai).create(actor, data)
    return DepositOut.model_validate(deposit)


@router.get("/{deposit_id}", response_model=DepositOut, summary="Un dépôt")
async def get_deposit(
    deposit_id: uuid.UUID, actor: ViewerUser, session: SessionDep, settings: SettingsDep
) -> DepositOut:
    """One deposit of the site."""
    deposit = await DepositService(session, settings=settings).get_deposit(actor, deposit_id)
    return DepositOut.model_validate(deposit)


@router.patch(
    "/{deposit_id}",
    response_model=DepositOut,
    summary="Modifier ou annuler un dépôt",
    responses={**_CONFLICT, **_INVALID},
)
async def update_deposit(
    deposit_id: uuid.UUID,
    data: DepositUpdate,
    actor: OperatorUser,
    session: SessionDep,
    settings: SettingsDep,
) -> DepositOut:
    """Edit one's own open deposit, or cancel it (`status: "cancelled"`); an admin may edit
    any deposit and correct a validated one (audited)."""
    service = DepositService(session, settings=settings)
    return DepositOut.model_validate(await service.update(actor, deposit_id, data))


@router.delete(
    "/{deposit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Supprimer un brouillon",
    responses=_CONFLICT,
)
async def delete_deposit(
    deposit_id: uuid.UUID, actor: OperatorUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Delete one's own draft (an admin: any draft); other statuses are cancelled instead."""
    await DepositService(session, settings=settings).delete(actor, deposit_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{deposit_id}/classify",
    response_model=ClassificationOut,
    summary="Classer un dépôt (texte ou enregistrement vocal)",
    openapi_extra=_CLASSIFY_BODY,
    responses={
        **_CONFLICT,
        413: {"description": "Corps JSON ou enregistrement trop volumineux"},
        415: {"description": "Ni JSON ni multipart"},
        422: {"description": "Description vide, audio refusé, etc."},
        503: {
            "description": (
                "Reconnaissance vocale non configurée ou indisponible : l'enregistrement est "
                "conservé avec le dépôt, qui attend une description écrite"
            ),
        },
    },
)
async def classify_deposit(
    deposit_id: uuid.UUID,
    request: Request,
    actor: OperatorUser,
    session: SessionDep,
    settings: SettingsDep,
    ai: AIServiceDep,
) -> ClassificationOut:
    """JSON `{description}`, or a multipart form with the recording in `audio`: the AI
    proposes a category (and the quantity and weight it heard); re-run until validated."""
    service = DepositService(session, settings=settings, ai=ai)
    kind = media_type(request)
    if kind == "application/json":
        body = await read_json(request, ClassifyText)
        result = await service.classify_text(actor, deposit_id, body.description)
    elif kind == "multipart/form-data":
        audio = await read_upload(request, field="audio", max_bytes=settings.audio_max_bytes)
        result = await service.classify_audio(actor, deposit_id, audio)
    else:
        raise UnsupportedMediaType()
    return _classification_out(result)


@router.post(
    "/{deposit_id}/validate",
    response_model=DepositOut,
    summary="Valider un dépôt",
    responses={**_CONFLICT, **_INVALID},
)
async def validate_deposit(
    deposit_id: uuid.UUID,
    data: DepositValidate,
    actor: OperatorUser,
    session: SessionDep,
    settings: SettingsDep,
) -> DepositOut:
    """Keep or correct the category, give weight and quantity: the deposit counts in the
    reports from now on, and records whether the AI's first choice was kept."""
    deposit = await DepositService(session, settings=settings).validate(actor, deposit_id, data)
    return DepositOut.model_validate(deposit)
