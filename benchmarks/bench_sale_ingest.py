"""P1 — sale ingest against `recyclic serve` (production settings), /health in the same run.

Tickets of 3 lines + 1 cash payment, each with its own client id (as the till sends them),
posted back to back by 16 connections, then by 1; /health the same way for the ratio; all of it
with one server process, then with `--workers 2`. The load comes from `wrk` when it is
installed (a C client leaves the cores to the server; a Lua script makes the tickets), from the
benchmark's own Python client otherwise (`--python` forces it).

Prints per run: sales/s, p50/p99 latency, errors, and the server's CPU time per sale (its
processes' user + system time from /proc, divided by the sales it took): the figure that
depends least on what else the machine is doing. The journal is verified at the end.

A shared 2-core virtual machine drifts by a third from one half-minute to the next (measured:
/health at 1,095 to 1,705 req/s in four runs of the same code), so /health and the 16-connection
sales alternate for `--rounds` rounds: the figures printed are the median round's, and the
ratio is the median of the rounds' ratios (each one a /health run and the sales run after it).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Server,
    bench_settings,
    emit,
    parser,
    percentile,
    recreate_postgres,
    run_load,
    served,
    temporary_dir,
)
from sqlalchemy import func, select

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import upgrade
from recyclic.core.security import create_access_token
from recyclic.models.base import utcnow
from recyclic.models.cash import CashRegister
from recyclic.models.sale import Sale
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.schemas.cash import SessionOpen
from recyclic.services.cash.journal import JournalService
from recyclic.services.cash.sessions import CashService

ITEMS = [
    {"category": "MOB", "description": "Chaise", "quantity": 2, "unit_price": 4.5},
    {"category": "TLC", "description": "Vrac", "unit": "kg", "weight_kg": 1.25, "unit_price": 4},
    {"category": "LIV", "description": "Roman", "quantity": 3, "unit_price": 1},
]
PAYMENTS = [{"method": "cash", "amount": 30}]
SALES = "/api/v1/sales"
HEALTH = "/api/v1/health"

# wrk's Lua side: each request is a new ticket with a unique id, on one of the open sessions
# (a till per cashier). Ids: a per-thread random prefix, the thread number and a counter.
WRK_SCRIPT = """
local tills = %(tills)s
local body_tail = %(tail)s
local counter, prefix, thread_no = 0, 0, 0
local next_thread = 0
function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_no", next_thread)
end
function init(args)
  math.randomseed(os.time() * 1000 + thread_no * 7919 + math.floor(os.clock() * 1e6))
  prefix = math.random(0, 0x7fffffff)
  counter = 0
end
function request()
  counter = counter + 1
  local till = tills[(counter + thread_no) %% #tills + 1]
  local id = string.format("%%08x-%%04x-4%%03x-8%%03x-%%012x",
    prefix, thread_no, math.random(0, 0xfff), math.random(0, 0xfff), counter)
  local body = '{"id":"' .. id .. '","session_id":"' .. till[2] .. '",' .. body_tail
  return wrk.format("POST", "%(path)s",
    {["Authorization"] = "Bearer " .. till[1], ["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p99_us":%%d,"max_us":%%d,'
    .. '"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
HEALTH_SCRIPT = WRK_SCRIPT.split("function request()")[0] + (
    'function request()\n  return wrk.format("GET", "%(path)s")\nend\nfunction done'
    + WRK_SCRIPT.split("function done")[1]
)


@dataclass
class Run:
    """One load run: requests that succeeded, its rate and latencies, errors, server CPU."""

    ok: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


async def prepare(settings: Settings, cashiers: int) -> tuple[uuid.UUID, list[tuple[str, str]]]:
    """A site with one cashier, register and open session per till: (token, session id)."""
    database = Database.from_settings(settings)
    await upgrade(database.bind)  # type: ignore[arg-type]
    pairs = []
    async with database.unit_of_work() as session:
        site = Site(
            name="Banc d'essai", slug=f"bench-{uuid.uuid4().hex[:8]}", timezone="Europe/Paris"
        )
        session.add(site)
        await session.flush()
        for n in range(cashiers):
            user = User(
                full_name=f"Caissier {n}",
                role=Role.OPERATOR,
                status=UserStatus.APPROVED,
                site_id=site.id,
                telegram_id=None,
            )
            register = CashRegister(site_id=site.id, name=f"Caisse {n}")
            session.add_all([user, register])
            await session.flush()
            opened = await CashService(session).open_session(
                user, SessionOpen(register_id=register.id, opening_amount=50)
            )
            token, _ = create_access_token(
                user_id=user.id,
                site_id=site.id,
                role="operator",
                secret=settings.secret_key.get_secret_value(),
                algorithm="HS256",
                lifetime=timedelta(hours=2),
                now=utcnow(),
            )
            pairs.append((token, str(opened.id)))
        site_id = site.id
    await database.dispose()
    return site_id, pairs


def lua_tills(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f'{{"{token}","{session}"}}' for token, session in pairs) + "}"


def body_tail() -> str:
    """The ticket's JSON after its id and session (the same for every ticket)."""
    return json.dumps({"items": ITEMS, "payments": PAYMENTS})[1:]


def lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def run_wrk(server: Server, script: str, connections: int, seconds: float, workdir: Path) -> Run:
    """`wrk` for `seconds` with this Lua script; server CPU read around it."""
    path = workdir / f"load-{uuid.uuid4().hex[:8]}.lua"
    path.write_text(script)
    threads = 2 if connections > 1 else 1
    cpu_before = server.cpu_seconds()
    completed = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(path),
            f"http://127.0.0.1:{server.port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = server.cpu_seconds() - cpu_before
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRK_RESULT "))
    data = json.loads(line.removeprefix("WRK_RESULT "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Run(
        ok=data["requests"] - data["status"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=errors,
        cpu_seconds=cpu,
    )


async def run_python(
    server: Server,
    pairs: list[tuple[str, str]],
    path: str,
    connections: int,
    seconds: float,
) -> Run:
    """The fallback load: the benchmark's own lean keep-alive client."""
    tail = body_tail().encode()

    def make(index: int, _n: int) -> tuple[str, str, bytes]:
        if path == HEALTH:
            return "GET", HEALTH, b""
        till = pairs[index % len(pairs)]
        head = f'{{"id":"{uuid.uuid4()}","session_id":"{till[1]}",'
        return "POST", SALES, head.encode() + tail

    def headers(index: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {pairs[index % len(pairs)][0]}"}

    cpu_before = server.cpu_seconds()
    result = await run_load(server.port, connections, seconds, make, headers)
    cpu = server.cpu_seconds() - cpu_before
    ok = {200} if path == HEALTH else {200, 201}
    return Run(
        ok=result.count - result.errors(ok),
        seconds=result.duration,
        p50_ms=percentile(result.latencies_ms, 50),
        p99_ms=percentile(result.latencies_ms, 99),
        max_ms=max(result.latencies_ms, default=0.0),
        errors=result.errors(ok),
        cpu_seconds=cpu,
    )


def report(prefix: str, run: Run, *, per: str | None = None) -> None:
    emit(f"{prefix}_rate", run.rate, "req/s")
    emit(f"{prefix}_p50", run.p50_ms, "ms")
    emit(f"{prefix}_p99", run.p99_ms, "ms")
    emit(f"{prefix}_max", run.max_ms, "ms")
    emit(f"{prefix}_errors", run.errors)
    if per:
        emit(f"{prefix}_server_cpu_per_{per}", run.cpu_seconds * 1000 / max(run.ok, 1), "ms")


def median_by(
    rounds: list[tuple[Run, Run]], key: Callable[[tuple[Run, Run]], float]
) -> tuple[Run, Run]:
    """The round whose `key` is the median (the lower middle one for an even count)."""
    ordered = sorted(rounds, key=key)
    return ordered[(len(ordered) - 1) // 2]


async def count_sales(settings: Settings) -> int:
    database = Database.from_settings(settings)
    try:
        async with database.unit_of_work(write=False) as session:
            return int(await session.scalar(select(func.count()).select_from(Sale)) or 0)
    finally:
        await database.dispose()


async def verify_journal(settings: Settings, site_id: uuid.UUID) -> tuple[bool, int]:
    database = Database.from_settings(settings)
    try:
        async with database.unit_of_work(write=False) as session:
            result = await JournalService(session).verify(site_id)
            return result.ok, result.entries
    finally:
        await database.dispose()


async def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--seconds", type=float, default=10, help="Length of each sales run.")
    p.add_argument("--rounds", type=int, default=3, help="/health then sales, this many times.")
    p.add_argument("--workers", default="1,2", help="Server processes to try, e.g. 1,2.")
    p.add_argument("--python", action="store_true", help="Use the Python client even with wrk.")
    args = p.parse_args()
    use_wrk = shutil.which("wrk") is not None and not args.python
    with temporary_dir() as data_dir, tempfile.TemporaryDirectory() as scripts:
        workdir = Path(scripts)
        if args.database_url.startswith("postgres"):
            await recreate_postgres(args.database_url)
        settings = bench_settings(args.database_url, data_dir)
        emit("database", settings.database_url.split("://")[0])
        emit("load_generator", "wrk" if use_wrk else "python")
        site_id, pairs = await prepare(settings, 16)
        sales_script = WRK_SCRIPT % {
            "tills": lua_tills(pairs),
            "tail": lua_string(body_tail()),
            "path": SALES,
        }
        health_script = HEALTH_SCRIPT % {"tills": "{}", "tail": "''", "path": HEALTH}

        async def load(server: Server, path: str, connections: int, seconds: float) -> Run:
            if use_wrk:
                script = sales_script if path == SALES else health_script
                return await asyncio.to_thread(
                    run_wrk, server, script, connections, seconds, workdir
                )
            return await run_python(server, pairs, path, connections, seconds)

        for workers in [int(w) for w in args.workers.split(",")]:
            tag = f"w{workers}"
            with served(settings, args=("--workers", str(workers))) as server:
                await load(server, SALES, 4, 2)  # warm-up (also counted below)
                rounds: list[tuple[Run, Run]] = []
                for _ in range(max(args.rounds, 1)):
                    health = await load(server, HEALTH, 16, 6)
                    rounds.append((health, await load(server, SALES, 16, args.seconds)))
                ratios = [
                    sales.rate / health.rate if health.rate else 0.0 for health, sales in rounds
                ]
                health, _ = median_by(rounds, lambda pair: pair[0].rate)
                _, sales16 = median_by(rounds, lambda pair: pair[1].rate)
                report(f"{tag}_health_16", health, per="request")
                report(f"{tag}_sales_16", sales16, per="sale")
                sales1 = await load(server, SALES, 1, min(args.seconds, 10))
                report(f"{tag}_sales_1", sales1, per="sale")
                emit(f"{tag}_sales_to_health_ratio", statistics.median(ratios))
                emit(f"{tag}_sales_to_health_ratio_rounds", " ".join(f"{r:.2f}" for r in ratios))
                emit(f"{tag}_server_rss", server.rss_mb(), "MB")
        sold = await count_sales(settings)
        emit("sales_stored", sold)
        ok, entries = await verify_journal(settings, site_id)
        emit("journal_verified", "ok" if ok else "BROKEN")
        emit("journal_entries", entries)
        if not ok or entries < sold:
            raise SystemExit("journal verification failed")


if __name__ == "__main__":
    asyncio.run(main())
