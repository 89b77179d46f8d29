"""Responses built by hand where FastAPI's generic path costs too much."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel
from starlette.responses import Response
from starlette.types import Receive, Scope, Send


def json_response(body: BaseModel, status_code: int = 200) -> Response:
    """A model serialised straight to JSON bytes by pydantic-core.

    For hot endpoints: the route keeps its `response_model` for the documentation, but a
    returned Response skips FastAPI's second validation and generic encoder.
    """
    return Response(
        content=body.model_dump_json(), status_code=status_code, media_type="application/json"
    )


class JSONAfterCommit(Response):
    """`json_response` of a body built when the answer is sent: after the request's unit of
    work has committed, not before (the till's hot path: serialising a ticket while its
    transaction still holds the site's journal lock made every other till wait for it)."""

    media_type = "application/json"

    def __init__(self, build: Callable[[], BaseModel], status_code: int = 200) -> None:
        self._build = build
        self.status_code = status_code
        self.background = None
        self.body = b""
        self.raw_headers = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.body = self.render(self._build().model_dump_json())
        self.init_headers()
        await super().__call__(scope, receive, send)
