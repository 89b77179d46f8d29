"""The Google Sheets client against a fake Sheets API + OAuth server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import jwt
import pytest

from recyclic.core.config import Settings
from recyclic.core.exceptions import ConfigurationError
from recyclic.services.sync.clients.google_sheets import (
    GoogleSheetsClient,
    Row,
    ServiceAccount,
    a1_range,
)
from recyclic.services.sync.clients.retry import (
    PermanentSyncError,
    RetryableSyncError,
    RetryPolicy,
    SyncAuthError,
)
from tests.fakes.sheets_server import (
    CLIENT_EMAIL,
    FakeSheetsServer,
    ServiceAccountKey,
    generate_service_account_key,
)
from tests.services.sync.clients.conftest import AttemptLog, SleepRecorder

SHEET = "Ventes – été"


def sale_rows(first: int, count: int) -> list[Row]:
    return [
        [f"sale-line:{n}", "EEE-5", "Grille-pain", 1, 450 + n, False]
        for n in range(first, first + count)
    ]


def make_client(
    server: FakeSheetsServer,
    key_file: Path,
    policy: RetryPolicy,
    *,
    batch_size: int = 500,
    timeout_seconds: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
) -> GoogleSheetsClient:
    return GoogleSheetsClient(
        server.spreadsheet_id,
        ServiceAccount.from_file(key_file),
        api_url=server.url,
        policy=policy,
        batch_size=batch_size,
        timeout_seconds=timeout_seconds,
        clock=clock,
    )


@pytest.fixture
async def sheets(
    sheets_server: FakeSheetsServer, service_account_file: Path, policy: RetryPolicy
) -> AsyncIterator[GoogleSheetsClient]:
    sheets_server.add_sheet(SHEET)
    async with make_client(sheets_server, service_account_file, policy, batch_size=3) as client:
        yield client


async def test_token_is_a_jwt_signed_with_the_service_account_key(
    sheets: GoogleSheetsClient,
    sheets_server: FakeSheetsServer,
    service_account_key: ServiceAccountKey,
) -> None:
    await sheets.append_rows(SHEET, sale_rows(0, 2))
    await sheets.append_rows(SHEET, sale_rows(2, 2))

    token_requests = [r for r in sheets_server.requests if r.kind == "token"]
    assert len(token_requests) == 1  # cached for the second call
    assertion = token_requests[0].body["assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == service_account_key.key_id
    claims = jwt.decode(
        assertion,
        service_account_key.public_pem,
        algorithms=["RS256"],
        audience=sheets_server.token_uri,
    )
    assert claims["iss"] == CLIENT_EMAIL
    assert claims["scope"] == "https://www.googleapis.com/auth/spreadsheets"
    assert claims["exp"] - claims["iat"] == 3600
    api_calls = [r for r in sheets_server.requests if r.kind != "token"]
    assert {r.authorization for r in api_calls} == {f"Bearer {sheets_server.issued_tokens[0]}"}


async def test_token_is_exchanged_again_shortly_before_it_expires(
    sheets_server: FakeSheetsServer, service_account_file: Path, policy: RetryPolicy
) -> None:
    now = [1000.0]
    sheets_server.add_sheet(SHEET)
    sheets_server.token_lifetime = 3600
    async with make_client(
        sheets_server, service_account_file, policy, clock=lambda: now[0]
    ) as client:
        first = await client.access_token()
        now[0] += 3500
        assert await client.access_token() == first
        now[0] += 45  # within the last minute of the token's life
        second = await client.access_token()

    assert second != first
    assert sheets_server.count("token") == 2


async def test_a_rejected_token_is_exchanged_again_once(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer
) -> None:
    await sheets.append_rows(SHEET, sale_rows(0, 1))
    sheets_server.revoke_tokens()

    result = await sheets.append_rows(SHEET, sale_rows(1, 1))

    assert result.appended_ids == ("sale-line:1",)
    assert sheets_server.count("token") == 2


async def test_an_unknown_key_is_an_auth_error_without_retries(
    sheets_server: FakeSheetsServer, policy: RetryPolicy, tmp_path: Path, attempt_log: AttemptLog
) -> None:
    sheets_server.add_sheet(SHEET)
    stranger = generate_service_account_key().write_json(
        tmp_path / "other.json", sheets_server.token_uri
    )
    async with make_client(sheets_server, stranger, policy) as client:
        with pytest.raises(SyncAuthError, match="Signature verification failed"):
            await client.append_rows(SHEET, sale_rows(0, 1), on_attempt=attempt_log)

    assert sheets_server.count("token") == 1
    assert [(a.attempt, a.final) for a in attempt_log.attempts] == [(1, True)]
    assert sheets_server.sheets[SHEET] == []


async def test_rows_are_appended_raw_in_batches_in_order(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer
) -> None:
    rows = sale_rows(0, 7)

    result = await sheets.append_rows(SHEET, rows)

    appends = [r for r in sheets_server.requests if r.kind == "append"]
    assert [len(r.body["values"]) for r in appends] == [3, 3, 1]
    assert {r.query["valueInputOption"] for r in appends} == {"RAW"}
    assert {r.query["insertDataOption"] for r in appends} == {"INSERT_ROWS"}
    assert appends[0].path.endswith("/values/'Ventes – été'!A1:append")
    assert sheets_server.sheets[SHEET] == [list(row) for row in rows]
    assert result.appended_ids == tuple(f"sale-line:{n}" for n in range(7))
    assert result.skipped_ids == ()


async def test_429s_then_success_append_every_row_exactly_once(
    sheets: GoogleSheetsClient,
    sheets_server: FakeSheetsServer,
    sleeps: SleepRecorder,
    attempt_log: AttemptLog,
) -> None:
    """R8: a rate-limited append is re-sent as is (nothing was applied) until it passes."""
    sheets_server.fail_next("append", 3, status=429)

    result = await sheets.append_rows(SHEET, sale_rows(0, 5), on_attempt=attempt_log)

    assert sheets_server.ids(SHEET) == [f"sale-line:{n}" for n in range(5)]
    assert result.appended == 5
    assert sheets_server.count("append") == 3 + 2
    assert sheets_server.count("get") == 1  # only the initial check: a 429 changes nothing
    # Exponential backoff with jitter: 1, 2, 4 ms, each plus up to 1 ms.
    lows = [0.001, 0.002, 0.004]
    assert all(low <= d <= low + 0.001 for d, low in zip(sleeps.delays, lows, strict=True))
    reports = attempt_log.of("sheets.append")
    assert [(a.attempt, a.succeeded) for a in reports] == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
        (1, True),
    ]
    assert all(a.error is not None and a.error.status == 429 for a in reports[:3])


async def test_retry_after_is_honoured(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer, sleeps: SleepRecorder
) -> None:
    sheets_server.fail_next("append", status=429, retry_after=2)
    sheets_server.fail_next("append", status=503, retry_after=1)

    await sheets.append_rows(SHEET, sale_rows(0, 2))

    assert sleeps.delays[:2] == [2.0, 1.0]
    assert sheets_server.ids(SHEET) == ["sale-line:0", "sale-line:1"]


@pytest.mark.parametrize(
    "lose_answer",
    [
        pytest.param(lambda s: s.fail_next("append", apply=True, status=500), id="500"),
        pytest.param(lambda s: s.fail_next("append", apply=True, drop=True), id="dropped"),
        pytest.param(lambda s: s.fail_next("append", apply=True, hang=True), id="timeout"),
    ],
)
async def test_append_applied_but_answer_lost_is_not_duplicated(
    sheets_server: FakeSheetsServer,
    service_account_file: Path,
    policy: RetryPolicy,
    lose_answer: Callable[[FakeSheetsServer], None],
) -> None:
    sheets_server.add_sheet(SHEET)
    async with make_client(
        sheets_server, service_account_file, policy, batch_size=3, timeout_seconds=0.2
    ) as client:
        await client.append_rows(SHEET, sale_rows(0, 2))
        lose_answer(sheets_server)

        result = await client.append_rows(SHEET, sale_rows(2, 5))

    assert sheets_server.ids(SHEET) == [f"sale-line:{n}" for n in range(7)]
    # The lost batch (2, 3, 4) was found in the sheet; the next one was sent normally.
    assert result.appended_ids == ("sale-line:5", "sale-line:6")
    assert result.skipped_ids == ("sale-line:2", "sale-line:3", "sale-line:4")
    kinds = [r.kind for r in sheets_server.requests if r.kind != "token"]
    # First call: check, append. Second: check, append (lost), re-check, next batch.
    assert kinds == ["get", "append", "get", "append", "get", "append"]


async def test_after_an_unknown_outcome_only_the_missing_rows_are_sent(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer
) -> None:
    rows = sale_rows(0, 3)
    sheets_server.fail_next("append", status=500)
    # Meanwhile the first row reached the sheet another way (e.g. an overlapping run).
    sheets_server.sheets[SHEET].append(list(rows[0]))

    result = await sheets.append_rows(SHEET, rows, check_existing=False)

    assert sheets_server.ids(SHEET) == ["sale-line:0", "sale-line:1", "sale-line:2"]
    last_append = [r for r in sheets_server.requests if r.kind == "append"][-1]
    assert [row[0] for row in last_append.body["values"]] == ["sale-line:1", "sale-line:2"]
    assert result.appended_ids == ("sale-line:1", "sale-line:2")
    assert result.skipped_ids == ("sale-line:0",)


async def test_a_replayed_run_skips_the_rows_already_in_the_sheet(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer
) -> None:
    await sheets.append_rows(SHEET, sale_rows(0, 5))

    result = await sheets.append_rows(SHEET, sale_rows(0, 10))

    assert sheets_server.ids(SHEET) == [f"sale-line:{n}" for n in range(10)]
    assert result.skipped_ids == tuple(f"sale-line:{n}" for n in range(5))
    assert result.appended_ids == tuple(f"sale-line:{n}" for n in range(5, 10))
    assert await sheets.rows_present(SHEET, ["sale-line:3", "sale-line:42"]) == {"sale-line:3"}


async def test_giving_up_after_the_last_attempt_reports_every_attempt(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer, attempt_log: AttemptLog
) -> None:
    sheets_server.fail_next("append", 10, status=429)

    with pytest.raises(RetryableSyncError, match="429"):
        await sheets.append_rows(SHEET, sale_rows(0, 1), on_attempt=attempt_log)

    reports = attempt_log.of("sheets.append")
    assert [a.attempt for a in reports] == [1, 2, 3, 4]
    assert [a.final for a in reports] == [False, False, False, True]
    assert all(a.next_delay is not None and a.next_delay > 0 for a in reports[:3])
    assert sheets_server.sheets[SHEET] == []


async def test_an_unknown_sheet_is_a_permanent_error(
    sheets: GoogleSheetsClient, sheets_server: FakeSheetsServer
) -> None:
    with pytest.raises(PermanentSyncError, match="Unable to parse range") as error:
        await sheets.append_rows("Absente", sale_rows(0, 1))
    assert error.value.status == 400
    assert sheets_server.count("get") == 1


async def test_rows_need_unique_string_ids(sheets: GoogleSheetsClient) -> None:
    with pytest.raises(ValueError, match="unique"):
        await sheets.append_rows(SHEET, sale_rows(0, 1) + sale_rows(0, 1))
    with pytest.raises(ValueError, match="row id"):
        await sheets.append_rows(SHEET, [[42, "EEE-5"]])


def test_sheet_names_are_quoted_in_a1_notation() -> None:
    assert a1_range("Dépôts d'été", "A:A") == "'Dépôts d''été'!A:A"


async def test_client_from_settings(
    sheets_server: FakeSheetsServer, service_account_file: Path, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        google_sheets_spreadsheet_id=sheets_server.spreadsheet_id,
        google_sheets_credentials_file=str(service_account_file),
        google_sheets_api_url=sheets_server.url,
        google_sheets_batch_size=2,
    )
    sheets_server.add_sheet(SHEET)
    async with GoogleSheetsClient.from_settings(settings) as client:
        await client.append_rows(SHEET, sale_rows(0, 3))
    assert sheets_server.count("append") == 2
    with pytest.raises(ConfigurationError, match="service-account key"):
        GoogleSheetsClient.from_settings(
            settings.model_copy(update={"google_sheets_credentials_file": str(tmp_path / "x")})
        )
