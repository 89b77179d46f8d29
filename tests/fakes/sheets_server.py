"""A fake Google Sheets API (values.get / values:append) and OAuth token endpoint for tests.

Runs on 127.0.0.1 inside the test's event loop (aiohttp), keeps the sheets in memory,
checks the service-account JWT signature with the public key it is given, records every
request and can be scripted to fail: 429 with or without Retry-After, an append applied but
answered 500 or with a dropped connection, or a request that hangs past the client timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

Kind = Literal["token", "get", "append"]
SPREADSHEET_ID = "1TableurDeTest_Ressourcerie"
CLIENT_EMAIL = "recyclic-sync@ressourcerie-test.iam.gserviceaccount.com"
_QUOTED_SHEET = re.compile(r"^'((?:[^']|'')*)'(?:!(.*))?$")


@dataclass(frozen=True)
class SheetsRequest:
    """One request received by the fake."""

    kind: Kind
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str | None


@dataclass
class _Fault:
    kind: Kind
    status: int = 500
    retry_after: str | None = None
    apply: bool = False  # really perform the request before failing
    drop: bool = False  # close the connection instead of answering
    hang: bool = False  # answer nothing until the client gives up


@dataclass
class FakeSheetsServer:
    """In-memory spreadsheet `spreadsheet_id` with named sheets of rows."""

    spreadsheet_id: str = SPREADSHEET_ID
    token_lifetime: int = 3600
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    requests: list[SheetsRequest] = field(default_factory=list)
    issued_tokens: list[str] = field(default_factory=list)
    port: int = 0
    _trusted_keys: dict[str, Any] = field(default_factory=dict)
    _revoked: set[str] = field(default_factory=set)
    _faults: list[_Fault] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        """The API base URL (RECYCLIC_GOOGLE_SHEETS_API_URL)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        """The OAuth token endpoint to put in the service-account JSON."""
        return f"{self.url}/token"

    def trust(self, client_email: str, public_key_pem: bytes) -> None:
        """Accept JWT assertions from `client_email` signed by this key."""
        self._trusted_keys[client_email] = serialization.load_pem_public_key(public_key_pem)

    def add_sheet(self, name: str, rows: list[list[Any]] | None = None) -> None:
        """Create a sheet (tab), optionally with rows."""
        self.sheets[name] = [list(row) for row in rows or []]

    def ids(self, sheet: str) -> list[str]:
        """Column A of a sheet, in order (our row ids)."""
        return [str(row[0]) for row in self.sheets[sheet] if row]

    def revoke_tokens(self) -> None:
        """Make every access token issued so far answer 401."""
        self._revoked.update(self.issued_tokens)

    def count(self, kind: Kind) -> int:
        """How many requests of this kind were received."""
        return sum(1 for r in self.requests if r.kind == kind)

    def fail_next(
        self,
        kind: Kind,
        count: int = 1,
        *,
        status: int = 500,
        retry_after: str | int | None = None,
        apply: bool = False,
        drop: bool = False,
        hang: bool = False,
    ) -> None:
        """Make the next `count` requests of `kind` fail as described."""
        after = str(retry_after) if retry_after is not None else None
        self._faults.extend(_Fault(kind, status, after, apply, drop, hang) for _ in range(count))

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_route("*", "/v4/spreadsheets/{tail:.+}", self._values)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Stop listening; hanging requests are released."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # Handlers.

    def _take_fault(self, kind: Kind) -> _Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.kind == kind:
                return self._faults.pop(index)
        return None

    async def _fail(self, request: web.Request, fault: _Fault) -> web.StreamResponse:
        if fault.hang:
            await _wait(self._stopping, 30)
        if fault.drop:
            # No status line at all: the client cannot know whether we acted.
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        return _error(fault.status, "scripted failure", headers)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        self._record(request, "token", dict(form))
        fault = self._take_fault("token")
        if fault is not None:
            return await self._fail(request, fault)
        try:
            if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                raise jwt.InvalidTokenError("unsupported grant_type")
            assertion = str(form.get("assertion", ""))
            issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss")
            key = self._trusted_keys.get(str(issuer))
            if key is None:
                raise jwt.InvalidTokenError("unknown service account")
            claims = jwt.decode(
                assertion,
                key,
                algorithms=["RS256"],
                audience=self.token_uri,
                options={"require": ["iss", "aud", "iat", "exp", "scope"]},
            )
            if "https://www.googleapis.com/auth/spreadsheets" not in claims["scope"].split():
                raise jwt.InvalidTokenError("scope missing")
        except jwt.PyJWTError as exc:
            body = {"error": "invalid_grant", "error_description": str(exc)}
            return web.json_response(body, status=400)
        token = "ya29.test-" + secrets.token_urlsafe(16)
        self.issued_tokens.append(token)
        return web.json_response(
            {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        )

    async def _values(self, request: web.Request) -> web.StreamResponse:
        raw = request.rel_url.raw_path.removeprefix("/v4/spreadsheets/")
        spreadsheet, _, rest = raw.partition("/values/")
        is_append = request.method == "POST" and rest.endswith(":append")
        kind: Kind = "append" if is_append else "get"
        body = await request.json() if request.can_read_body else None
        self._record(request, kind, body)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.issued_tokens or token in self._revoked:
            return _error(401, "Request had invalid authentication credentials.")
        if unquote(spreadsheet) != self.spreadsheet_id:
            return _error(404, "Requested entity was not found.")
        a1 = unquote(rest.removesuffix(":append"))
        sheet, cells = _split_a1(a1)
        if sheet not in self.sheets:
            return _error(400, f"Unable to parse range: {a1}")
        fault = self._take_fault(kind)
        if fault is not None and not fault.apply:
            return await self._fail(request, fault)
        if is_append:
            answer = self._apply_append(request, sheet, body)
        elif request.method == "GET":
            answer = self._read(request, sheet, a1, cells)
        else:
            answer = _error(405, "Method not allowed.")
        return answer if fault is None else await self._fail(request, fault)

    def _apply_append(self, request: web.Request, sheet: str, body: Any) -> web.Response:
        query = request.rel_url.query
        if query.get("valueInputOption") != "RAW" or query.get("insertDataOption") != (
            "INSERT_ROWS"
        ):
            return _error(400, "valueInputOption=RAW and insertDataOption=INSERT_ROWS expected")
        rows = body.get("values") or []
        table = self.sheets[sheet]
        first = len(table) + 1
        table.extend(list(row) for row in rows)
        width = max((len(row) for row in rows), default=0)
        updated = f"'{sheet}'!A{first}:{_column(width)}{first + len(rows) - 1}"
        return web.json_response(
            {
                "spreadsheetId": self.spreadsheet_id,
                "updates": {
                    "spreadsheetId": self.spreadsheet_id,
                    "updatedRange": updated,
                    "updatedRows": len(rows),
                    "updatedColumns": width,
                    "updatedCells": sum(len(row) for row in rows),
                },
            }
        )

    def _read(self, request: web.Request, sheet: str, a1: str, cells: str) -> web.Response:
        columns = re.fullmatch(r"([A-Z]+)\d*:([A-Z]+)\d*", cells or "A:ZZ")
        if columns is None:
            return _error(400, f"Unable to parse range: {a1}")
        low, high = _column_index(columns[1]), _column_index(columns[2])
        rows = [[str(v) for v in row[low : high + 1]] for row in self.sheets[sheet]]
        while rows and not any(rows[-1]):
            rows.pop()  # Google omits trailing empty rows
        body: dict[str, Any] = {"range": a1, "majorDimension": "ROWS"}
        if request.rel_url.query.get("majorDimension") == "COLUMNS":
            body["majorDimension"] = "COLUMNS"
            width = max((len(row) for row in rows), default=0)
            rows = [[row[i] if i < len(row) else "" for row in rows] for i in range(width)]
        if rows:
            body["values"] = rows
        return web.json_response(body)

    def _record(self, request: web.Request, kind: Kind, body: Any) -> None:
        self.requests.append(
            SheetsRequest(
                kind,
                request.method,
                unquote(request.rel_url.raw_path),
                dict(request.rel_url.query),
                body,
                request.headers.get("Authorization"),
            )
        )


def _split_a1(a1: str) -> tuple[str, str]:
    quoted = _QUOTED_SHEET.match(a1)
    if quoted:
        return quoted[1].replace("''", "'"), quoted[2] or ""
    sheet, _, cells = a1.partition("!")
    return sheet, cells


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _column(width: int) -> str:
    letters = ""
    while width > 0:
        width, remainder = divmod(width - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters or "A"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    reasons = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND"}
    reasons |= {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
    body = {"error": {"code": status, "message": message, "status": reasons.get(status, "")}}
    return web.json_response(body, status=status, headers=headers)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


@dataclass(frozen=True)
class ServiceAccountKey:
    """A freshly generated RSA key pair in the shape of a Google service-account key."""

    private_pem: str
    public_pem: bytes
    key_id: str

    def write_json(self, path: Path, token_uri: str, client_email: str = CLIENT_EMAIL) -> Path:
        """Write the service-account JSON file, as the Google Cloud console gives it."""
        info = {
            "type": "service_account",
            "project_id": "ressourcerie-test",
            "private_key_id": self.key_id,
            "private_key": self.private_pem,
            "client_email": client_email,
            "client_id": "100000000000000000001",
            "token_uri": token_uri,
        }
        path.write_text(json.dumps(info), encoding="utf-8")
        return path


def generate_service_account_key() -> ServiceAccountKey:
    """A new 2048-bit RSA key (what Google issues for service accounts)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return ServiceAccountKey(private_pem, public_pem, secrets.token_hex(20))


@pytest.fixture(scope="session")
def service_account_key() -> ServiceAccountKey:
    """One RSA service-account key for the whole run (generation takes a moment)."""
    return generate_service_account_key()


@pytest.fixture
async def sheets_server(service_account_key: ServiceAccountKey) -> AsyncIterator[FakeSheetsServer]:
    """A running fake Sheets API that trusts `service_account_key`."""
    server = FakeSheetsServer()
    server.trust(CLIENT_EMAIL, service_account_key.public_pem)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def service_account_file(
    sheets_server: FakeSheetsServer, service_account_key: ServiceAccountKey, tmp_path: Path
) -> Path:
    """The service-account JSON file, its token_uri pointing at the fake server."""
    return service_account_key.write_json(
        tmp_path / "service-account.json", sheets_server.token_uri
    )
