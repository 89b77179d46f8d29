"""Hand-built responses: `JSONAfterCommit` builds its body only when the answer is sent."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from recyclic.api.responses import JSONAfterCommit


class _Body(BaseModel):
    name: str
    cents: int


async def test_the_body_is_built_when_the_answer_is_sent_not_before() -> None:
    built: list[str] = []

    def build() -> _Body:
        built.append("now")
        return _Body(name="Chaise é", cents=450)

    response = JSONAfterCommit(build, status_code=201)
    assert built == []  # the unit of work commits between these two moments

    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await response({"type": "http", "method": "POST", "headers": []}, receive, send)
    assert built == ["now"]
    start, body = messages
    assert start["status"] == 201
    headers = dict(start["headers"])
    expected = '{"name":"Chaise é","cents":450}'.encode()
    assert body["body"] == expected
    assert headers[b"content-length"] == str(len(expected)).encode()
    assert headers[b"content-type"] == b"application/json"
