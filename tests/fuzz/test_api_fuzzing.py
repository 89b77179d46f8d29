"""R6: Schemathesis generates requests for every operation of /openapi.json against a real
`recyclic serve` (the suite's database: SQLite, or PostgreSQL + Redis), as anonymous, viewer,
operator and admin. Checks: no server error, documented status codes, content types and
response schemas. The server's own request log counts what it answered.

CI runs a bounded budget (4 examples per operation and phase, plus the coverage phase as
admin: ≈ 5,600 requests per database, about half a minute). The release run (≥ 20,000
requests) is the same test with a larger budget:

    RECYCLIC_TEST_FUZZ_EXAMPLES=40 RECYCLIC_TEST_FUZZ_COVERAGE=all ./scripts/test.sh tests/fuzz -s
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.served import Server

ST = Path(sys.executable).with_name("st")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
# (role, telegram id of the demo user; None: no token)
ROLES = [
    ("anonymous", None),
    ("viewer", 900_000_005),
    ("operator", 900_000_003),
    ("admin", 900_000_002),  # last: what it changes cannot spoil the others' runs
]
DEMO_PIN = "2580"


def _budget() -> tuple[int, set[str]]:
    examples = int(os.environ.get("RECYCLIC_TEST_FUZZ_EXAMPLES", "4"))
    coverage = os.environ.get("RECYCLIC_TEST_FUZZ_COVERAGE", "admin")
    roles = {name for name, _ in ROLES} if coverage == "all" else set(coverage.split(","))
    return examples, roles


def _run_schemathesis(
    server: Server, role: str, token: str | None, report: Path
) -> tuple[int, str]:
    examples, coverage_roles = _budget()
    phases = "examples,coverage,fuzzing" if role in coverage_roles else "examples,fuzzing"
    command = [
        str(ST), "run", f"{server.url}/openapi.json",
        "--checks", CHECKS,
        "--phases", phases,
        "--max-examples", str(examples),
        "--seed", "20261206",
        "--no-shrink",
        # One worker: hypothesis describing strategies in several threads at once can trip
        # CPython 3.11's parser ("AST constructor recursion depth mismatch").
        "--workers", "1",
        "--request-timeout", "20",
        "--suppress-health-check", "all",
        "--report", "junit", "--report-junit-path", str(report),
    ]  # fmt: skip
    if token is not None:
        command += ["--header", f"Authorization: Bearer {token}"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=report.parent
    )
    return done.returncode, done.stdout + done.stderr


def _served(log: Path) -> collections.Counter[int]:
    """Statuses of the requests the server answered, from its JSON request log."""
    statuses: collections.Counter[int] = collections.Counter()
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "recyclic.request":
            # "METHOD path status 1.2ms" (a generated path may hold spaces)
            statuses[int(entry["message"].rsplit(" ", 2)[1])] += 1
    return statuses


async def test_generated_requests_get_documented_answers_and_no_server_error(
    server: Server, tmp_path: Path
) -> None:
    server.settings.update(
        {
            "RECYCLIC_LOG_LEVEL": "INFO",
            "RECYCLIC_LOG_JSON": "true",
            # One address sends everything: its login budget must not hide the routes.
            "RECYCLIC_AUTH_RATE_LIMIT_PER_IP": "1000000",
            "RECYCLIC_ACCESS_TOKEN_MINUTES": "120",
        }
    )
    await server.start("--demo")
    tokens = {}
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        health = await client.get("/api/v1/health")
        assert "server" not in health.headers  # the server is not advertised
        assert health.headers.get_list("x-request-id") != []
        for role, telegram_id in ROLES:
            if telegram_id is not None:
                answer = await client.post(
                    "/api/v1/auth/pin", json={"telegram_id": telegram_id, "pin": DEMO_PIN}
                )
                assert answer.status_code == 200, answer.text
                tokens[role] = answer.json()["access_token"]
    failures = {}
    for role, _ in ROLES:
        before = sum(_served(server.log_path).values())  # type: ignore[arg-type]
        code, output = _run_schemathesis(server, role, tokens.get(role), tmp_path / f"{role}.xml")
        after = _served(server.log_path)  # type: ignore[arg-type]
        count = sum(after.values()) - before
        cases = [line.strip() for line in output.splitlines() if " generated" in line]
        print(f"fuzz {role}: {count} requests served; schemathesis: {cases[-1:]}, exit {code}")
        if code != 0:
            failures[role] = output[-8000:]
    statuses = _served(server.log_path)  # type: ignore[arg-type]
    total = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(f"fuzz total: {total} requests, statuses {dict(sorted(statuses.items()))}")
    await server.stop_cleanly()
    assert failures == {}, "\n\n".join(f"== {r} ==\n{o}" for r, o in failures.items())
    assert server_errors == 0
    assert total >= 2000
