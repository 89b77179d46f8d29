"""Request bodies read by hand: a JSON document or a multipart recording, on one route.

FastAPI parses one body type per route; `/deposits/{id}/classify` accepts two, so it reads the
body itself. A recording is size-checked while it arrives: at most the limit plus the
multipart envelope is ever read, whatever Content-Length claims (or when it is absent).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from recyclic.core.exceptions import InvalidInput, RecyclicError
from recyclic.utils.audio import AudioTooLarge, read_limited

ModelT = TypeVar("ModelT", bound=BaseModel)

# Boundaries, part headers and a few small fields around the file.
_MULTIPART_ENVELOPE = 64 * 1024
_MAX_JSON_BYTES = 64 * 1024


class UnsupportedMediaType(RecyclicError):
    status = 415
    code = "unsupported_media_type"
    message = (
        'Type de contenu non pris en charge : envoyez du JSON {"description": …} '
        "ou un formulaire multipart avec le fichier dans le champ « audio »."
    )


class BodyTooLarge(RecyclicError):
    status = 413
    code = "payload_too_large"
    message = "Requête trop volumineuse."


class InvalidMultipart(InvalidInput):
    code = "invalid_multipart"
    message = "Formulaire illisible : joignez l'enregistrement dans le champ « audio »."


class AudioMissing(InvalidInput):
    code = "audio_missing"
    message = "Aucun fichier reçu : joignez l'enregistrement dans le champ « audio »."


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _capped_stream(
    request: Request, limit: int, error: RecyclicError
) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise error
        yield chunk


def _declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length", "")
    return int(raw) if raw.isdigit() else None


async def read_body(request: Request, *, max_bytes: int, error: RecyclicError) -> bytes:
    """The raw body, refused with `error` as soon as it exceeds `max_bytes`."""
    declared = _declared_length(request)
    if declared is not None and declared > max_bytes:
        raise error
    body = bytearray()
    async for chunk in _capped_stream(request, max_bytes, error):
        body += chunk
    return bytes(body)


async def read_json(request: Request, model: type[ModelT]) -> ModelT:
    """Validate a (small) JSON body against `model`; errors are the usual 422."""
    body = await read_body(request, max_bytes=_MAX_JSON_BYTES, error=BodyTooLarge())
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors, body=body) from None


async def read_upload(request: Request, *, field: str, max_bytes: int) -> bytes:
    """The bytes of the file sent in `field` of a multipart form, refused past `max_bytes`."""
    too_large = AudioTooLarge.for_limit(max_bytes)
    limit = max_bytes + _MULTIPART_ENVELOPE
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise too_large
    parser = MultiPartParser(
        request.headers,
        _capped_stream(request, limit, too_large),
        max_files=1,
        max_fields=4,
        max_part_size=_MULTIPART_ENVELOPE,
    )
    try:
        form = await parser.parse()
    except MultiPartException:
        raise InvalidMultipart() from None
    try:
        upload = form.get(field)
        if not isinstance(upload, UploadFile):
            raise AudioMissing()
        return await read_limited(upload, max_bytes=max_bytes)
    finally:
        await form.close()
