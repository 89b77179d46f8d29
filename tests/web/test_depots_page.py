"""The reception desk's shell over plain HTTP: strict policy, no data, kept offline."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

PATHS = ("/depots", f"/depots/{uuid.uuid4()}", "/depots/pas-un-identifiant")


@pytest.mark.parametrize("path", PATHS)
async def test_the_desk_is_a_shell_under_the_strict_policy(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    assert "http" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None
    assert " style=" not in response.text
    assert '<script type="module" src="/assets/depots/app.js">' in response.text
    # The same HTML for everyone and every id: the data comes from the API, with a token.
    again = await client.get(path, headers={"Cookie": "recyclic_refresh=abc"})
    assert again.text == response.text
    assert (await client.get("/depots")).text == response.text


async def test_the_service_worker_keeps_the_desk(client: httpx.AsyncClient) -> None:
    script = (await client.get("/sw.js")).text
    for url in ("/depots", "/assets/depots/app.js", "/assets/css/depots.css"):
        assert f'"{url}"' in script
