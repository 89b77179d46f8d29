"""Async Google Sheets client: service-account OAuth and idempotent row appends.

Every row carries our stable row id in its first column (column A). Appends are made
idempotent by reading that column whenever the outcome of a previous request is unknown
(timeout, dropped connection, 5xx) and sending only the rows whose id is not there yet.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import quote

import httpx
import jwt

from recyclic.core.exceptions import ConfigurationError
from recyclic.services.sync.clients.retry import (
    AttemptHook,
    PooledClient,
    RetryableSyncError,
    RetryPolicy,
    SyncAuthError,
    SyncClientError,
    error_for_status,
    error_for_transport,
    run_with_retries,
)

if TYPE_CHECKING:
    from recyclic.core.config import Settings

T = TypeVar("T")
# Money goes as integer cents or a formatted string: RAW input must never carry a float.
CellValue = str | int | bool | None
Row = Sequence[CellValue]

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 3600  # the longest Google accepts
TOKEN_REFRESH_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class ServiceAccount:
    """The parts of a Google service-account JSON key that the token exchange needs."""

    client_email: str
    private_key: str = field(repr=False)
    private_key_id: str | None = None
    token_uri: str = DEFAULT_TOKEN_URI

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> Self:
        """From the parsed JSON key (as downloaded from the Google Cloud console)."""
        if info.get("type", "service_account") != "service_account":
            raise ConfigurationError("The Google credentials file is not a service-account key.")
        missing = [key for key in ("client_email", "private_key") if not info.get(key)]
        if missing:
            raise ConfigurationError(f"The Google service-account key lacks {', '.join(missing)}.")
        return cls(
            client_email=str(info["client_email"]),
            private_key=str(info["private_key"]),
            private_key_id=str(info["private_key_id"]) if info.get("private_key_id") else None,
            token_uri=str(info.get("token_uri") or DEFAULT_TOKEN_URI),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Self:
        """Read the JSON key file (RECYCLIC_GOOGLE_SHEETS_CREDENTIALS_FILE)."""
        try:
            info = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(
                f"Cannot read the Google service-account key {path}: {exc}"
            ) from exc
        if not isinstance(info, dict):
            raise ConfigurationError(f"{path} is not a service-account key.")
        return cls.from_info(info)

    def assertion(self, now: int) -> str:
        """The signed JWT exchanged for an access token (RFC 7523, as Google specifies it)."""
        claims = {
            "iss": self.client_email,
            "scope": SHEETS_SCOPE,
            "aud": self.token_uri,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECONDS,
        }
        headers = {"kid": self.private_key_id} if self.private_key_id else None
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers=headers)


@dataclass(frozen=True)
class AppendResult:
    """Which rows this call added, and which it found already in the sheet."""

    sheet: str
    appended_ids: tuple[str, ...]
    skipped_ids: tuple[str, ...]  # already present: sent by an earlier run or attempt

    @property
    def appended(self) -> int:
        """Number of rows added by this call."""
        return len(self.appended_ids)


def a1_range(sheet: str, cells: str) -> str:
    """`'Sheet name'!cells`, quoting the name as A1 notation requires (`'` doubled)."""
    return "'" + sheet.replace("'", "''") + "'!" + cells


def row_id(row: Row) -> str:
    """The stable id in the first cell of a row."""
    if not row or not isinstance(row[0], str) or not row[0]:
        raise ValueError("every row must start with its row id (a non-empty string)")
    return row[0]


class GoogleSheetsClient(PooledClient):
    """One spreadsheet. Use as `async with GoogleSheetsClient.from_settings(settings) as s:`."""

    def __init__(
        self,
        spreadsheet_id: str,
        account: ServiceAccount,
        *,
        api_url: str = "https://sheets.googleapis.com",
        batch_size: int = 500,
        timeout_seconds: float = 30.0,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not spreadsheet_id:
            raise ValueError("spreadsheet id is not configured (RECYCLIC_GOOGLE_SHEETS_*)")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.spreadsheet_id = spreadsheet_id
        self.account = account
        self.api_url = api_url.rstrip("/")
        self.batch_size = batch_size
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout_seconds))
        self._token: str | None = None
        self._token_valid_until = 0.0
        self._token_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *, policy: RetryPolicy | None = None) -> Self:
        """A client for the configured spreadsheet (RECYCLIC_GOOGLE_SHEETS_*, _SYNC_*)."""
        if not settings.google_sheets_credentials_file:
            raise ConfigurationError("RECYCLIC_GOOGLE_SHEETS_CREDENTIALS_FILE is not set.")
        return cls(
            settings.google_sheets_spreadsheet_id,
            ServiceAccount.from_file(settings.google_sheets_credentials_file),
            api_url=settings.google_sheets_api_url,
            batch_size=settings.google_sheets_batch_size,
            timeout_seconds=settings.sync_http_timeout_seconds,
            policy=policy or RetryPolicy.from_settings(settings),
        )

    async def access_token(self) -> str:
        """A valid OAuth access token, exchanged again shortly before the cached one expires."""
        async with self._token_lock:
            if self._token is not None and self._clock() < self._token_valid_until:
                return self._token
            assertion = self.account.assertion(int(time.time()))
            data = {"grant_type": JWT_BEARER_GRANT, "assertion": assertion}
            what = "token exchange"
            try:
                response = await self._http.post(self.account.token_uri, data=data)
            except httpx.TransportError as exc:
                raise error_for_transport(exc, what) from exc
            if response.status_code in (400, 401, 403):
                # invalid_grant & co: a wrong key, a revoked account or a skewed clock.
                raise SyncAuthError(
                    f"{what}: HTTP {response.status_code}: {_token_error(response)}",
                    status=response.status_code,
                )
            if not response.is_success:
                raise error_for_status(response, what)
            try:
                body = response.json()
                token = str(body["access_token"])
                lifetime = float(body.get("expires_in", ASSERTION_LIFETIME_SECONDS))
            except (ValueError, KeyError, TypeError) as exc:
                raise SyncAuthError(f"{what}: unreadable answer") from exc
            margin = min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 10)
            self._token = token
            self._token_valid_until = self._clock() + lifetime - margin
            return token

    async def rows_present(
        self,
        sheet: str,
        ids: Iterable[str] | None = None,
        *,
        on_attempt: AttemptHook | None = None,
    ) -> set[str]:
        """The row ids found in column A of `sheet` (only those among `ids`, when given)."""
        present = await self._retry(
            "sheets.read_ids", sheet, lambda _: self._read_ids(sheet), on_attempt
        )
        return present if ids is None else present & set(ids)

    async def append_rows(
        self,
        sheet: str,
        rows: Sequence[Row],
        *,
        check_existing: bool = True,
        on_attempt: AttemptHook | None = None,
    ) -> AppendResult:
        """Append `rows` in batches; rows whose id is already in the sheet are skipped.

        `check_existing` reads the id column once before the first batch, so a whole run may
        be replayed (e.g. after a crash before the watermark was saved) without duplicates.
        Whatever it says, the column is read again before re-sending a batch whose previous
        attempt may have been applied. If the call fails, the batches already sent stay in
        the sheet; calling again with the same rows sends only the missing ones.
        """
        ids = [row_id(row) for row in rows]
        if len(set(ids)) != len(ids):
            raise ValueError("row ids must be unique within one append")
        if not ids:
            return AppendResult(sheet, (), ())
        present = await self.rows_present(sheet, on_attempt=on_attempt) if check_existing else set()
        appended: list[str] = []
        skipped = [i for i in ids if i in present]
        todo = [row for row in rows if row_id(row) not in present]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            sent, already = await self._append_batch(sheet, batch, on_attempt)
            appended.extend(sent)
            skipped.extend(already)
        return AppendResult(sheet, tuple(appended), tuple(skipped))

    async def _append_batch(
        self, sheet: str, batch: Sequence[Row], on_attempt: AttemptHook | None
    ) -> tuple[list[str], list[str]]:
        pending = list(batch)
        already: list[str] = []
        must_check = False

        async def attempt(_: int) -> list[str]:
            nonlocal pending, must_check
            if must_check:
                # The last attempt may have landed: send only what the sheet does not have.
                present = await self._read_ids(sheet)
                already.extend(row_id(row) for row in pending if row_id(row) in present)
                pending = [row for row in pending if row_id(row) not in present]
                must_check = False
            if not pending:
                return []
            try:
                await self._append(sheet, pending)
            except SyncClientError as error:
                must_check = must_check or error.outcome_unknown
                raise
            return [row_id(row) for row in pending]

        sent = await self._retry("sheets.append", sheet, attempt, on_attempt)
        return sent, already

    def _values_url(self, a1: str, suffix: str = "") -> str:
        spreadsheet = quote(self.spreadsheet_id, safe="")
        return f"{self.api_url}/v4/spreadsheets/{spreadsheet}/values/{quote(a1, safe='')}{suffix}"

    async def _read_ids(self, sheet: str) -> set[str]:
        response = await self._api(
            "GET",
            self._values_url(a1_range(sheet, "A:A")),
            f"read ids of {sheet!r}",
            params={"majorDimension": "COLUMNS"},
        )
        try:
            columns = response.json().get("values") or [[]]
            return {str(value) for value in columns[0] if value not in ("", None)}
        except (ValueError, AttributeError, IndexError, TypeError) as exc:
            # A 200 that is not the API's JSON (a proxy page): worth asking again later.
            raise RetryableSyncError(f"read ids of {sheet!r}: unreadable answer") from exc

    async def _append(self, sheet: str, rows: Sequence[Row]) -> None:
        a1 = a1_range(sheet, "A1")
        await self._api(
            "POST",
            self._values_url(a1, ":append"),
            f"append {len(rows)} rows to {sheet!r}",
            params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
            json_body={"range": a1, "majorDimension": "ROWS", "values": [list(r) for r in rows]},
        )

    async def _api(
        self,
        method: str,
        url: str,
        what: str,
        *,
        params: dict[str, str],
        json_body: dict[str, Any] | None = None,
    ) -> httpx.Response:
        for _ in range(2):
            token = await self.access_token()
            try:
                response = await self._http.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.TransportError as exc:
                raise error_for_transport(exc, what) from exc
            if response.status_code != 401:
                break
            # A revoked or early-expired token: the request was refused, exchange once more.
            self._forget_token(token)
        if not response.is_success:
            raise error_for_status(response, what, _api_error(response))
        return response

    def _forget_token(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def _retry(
        self,
        operation: str,
        target: str,
        attempt: Callable[[int], Awaitable[T]],
        on_attempt: AttemptHook | None,
    ) -> T:
        return await run_with_retries(
            operation, target, attempt, policy=self.policy, on_attempt=on_attempt
        )


def _api_error(response: httpx.Response) -> str | None:
    try:
        error = response.json().get("error", {})
        return str(error.get("message")) if isinstance(error, dict) else None
    except ValueError:
        return None


def _token_error(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body.get("error_description") or body.get("error") or "refused")
    except ValueError:
        return "refused"
