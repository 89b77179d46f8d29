"""The OpenAPI document describes what the server really answers (Schemathesis checks the
rest against a running server: tests/fuzz)."""

from __future__ import annotations

from typing import Any

import httpx


def _operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return schema["paths"][path][method]  # type: ignore[no-any-return]


def _ref(response: dict[str, Any]) -> str:
    return str(response["content"]["application/json"]["schema"]["$ref"])


async def test_every_error_is_our_json_body(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    body = schema["components"]["schemas"]["ValidationErrorBody"]
    assert {"detail", "code", "errors"} <= body["properties"].keys()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                assert list(response["content"]) == ["application/json"], (method, path, status)
                if status == "422":
                    assert _ref(response).endswith("/ValidationErrorBody"), (method, path)


async def test_shared_answers_are_documented_where_they_happen(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    audit = _operation(schema, "get", "/api/v1/audit-logs")
    assert {"401", "403", "404", "422", "503"} <= audit["responses"].keys()
    create_user = _operation(schema, "post", "/api/v1/users")
    assert {"400", "409", "413", "422"} <= create_user["responses"].keys()
    widget = _operation(schema, "post", "/api/v1/auth/telegram")
    assert {"401", "429", "503"} <= widget["responses"].keys()
    receipt = _operation(schema, "get", "/api/v1/sales/{sale_id}/receipt")
    assert set(receipt["responses"]["200"]["content"]) == {"text/plain", "text/html"}
    assert _ref(receipt["responses"]["404"]).endswith("/ErrorBody")


async def test_a_body_that_is_not_utf8_is_the_documented_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/pin", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("bad_request", "validation_error")
