"""Responses built by hand where FastAPI's generic path costs too much."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response


def json_response(body: BaseModel, status_code: int = 200) -> Response:
    """A model serialised straight to JSON bytes by pydantic-core.

    For hot endpoints: the route keeps its `response_model` for the documentation, but a
    returned Response skips FastAPI's second validation and generic encoder.
    """
    return Response(
        content=body.model_dump_json(), status_code=status_code, media_type="application/json"
    )
