"""GET /metrics (Prometheus text) when RECYCLIC_METRICS_TOKEN is set; nothing at all otherwise.

- **Per process** (prometheus-client's multiprocess mode: `recyclic serve` points
  PROMETHEUS_MULTIPROC_DIR at a directory every API worker writes its memory-mapped file in,
  and a scrape, whichever worker answers it, sums them all): requests by route template,
  method and status (count and latency histogram), tickets and refunds recorded, connections
  of the database pool in use.
- **From the database**, read at each scrape: deposits by status, jobs by status (the queue
  depth) and failed jobs by task, sync runs and sync attempts by outcome.

The middleware is pure ASGI and cheap: one clock read, a dict lookup for the label set, and
two memory-mapped increments per request (measured in docs/deployment.md). It answers
/metrics itself (never routed, never in the OpenAPI document); a missing or wrong bearer
token is 401. Only counts are exposed, never a setting, a secret or a user's data.

prometheus_client is imported only when the metrics are on, so the environment variable set
by `recyclic serve` is seen before any metric exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recyclic.api.errors import send_error
from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.utils.files import ensure_private_dir

if TYPE_CHECKING:
    from recyclic.services.operations.figures import Figures

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_PATH = "/metrics"
UNMATCHED = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Business events told by the route and a 201 (a replayed ticket answers 200: not counted).
_SALE_ROUTE = "/api/v1/sales"
_REFUND_ROUTE = "/api/v1/sales/{sale_id}/refund"
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PID_FILE = re.compile(r"_(\d+)\.db$")


# --- Set-up by `recyclic serve` ---------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def prepare_multiprocess_dir(settings: Settings) -> Path | None:
    """Before the API workers start: the shared directory of their metric files (from the
    environment, else DATA_DIR/metrics), emptied of the files of processes that are gone.
    Does nothing when the metrics are off."""
    if not settings.metrics_token.get_secret_value():
        return None
    directory = Path(os.environ.get(MULTIPROC_ENV) or settings.data_dir / "metrics")
    ensure_private_dir(directory)
    for path in directory.glob("*.db"):
        match = _PID_FILE.search(path.name)
        if match is None or not _pid_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory


def _forget_dead_live_gauges(directory: str) -> None:
    """Live gauges (pool connections) of a worker that died no longer count."""
    from prometheus_client import multiprocess

    for path in Path(directory).glob("gauge_live*_*.db"):
        match = _PID_FILE.search(path.name)
        if match is not None and not _pid_alive(int(match.group(1))):
            multiprocess.mark_process_dead(int(match.group(1)), directory)  # type: ignore[no-untyped-call]


# --- The instruments of this process ----------------------------------------------------------


class _Instruments:
    """Created once per process (prometheus_client refuses two metrics of the same name)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        labels = ("method", "route", "status")
        self.requests = Counter(
            "recyclic_http_requests",
            "HTTP requests answered, by method, route template and status.",
            labels,
            registry=self.registry,
        )
        self.latency = Histogram(
            "recyclic_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status.",
            labels,
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.sales = Counter(
            "recyclic_sales_recorded",
            "Tickets recorded (replays excluded).",
            registry=self.registry,
        )
        self.refunds = Counter(
            "recyclic_refunds_recorded", "Refunds recorded.", registry=self.registry
        )
        self.pool_in_use = Gauge(
            "recyclic_db_pool_connections_in_use",
            "Database connections checked out of the API processes' pools.",
            multiprocess_mode="livesum",
            registry=self.registry,
        )
        self.pool_capacity = Gauge(
            "recyclic_db_pool_capacity",
            "Connections the API processes' pools may open (size + overflow), PostgreSQL.",
            multiprocess_mode="livesum",
            registry=self.registry,
        )


_instruments: _Instruments | None = None


def instruments() -> _Instruments:
    global _instruments
    if _instruments is None:
        _instruments = _Instruments()
    return _instruments


def _watch_pool(database: Database, settings: Settings, metrics: _Instruments) -> None:
    """Count checked-out connections with the pool's own events (no per-request work)."""
    bind = database.bind
    if not isinstance(bind, AsyncEngine):
        return  # tests: one connection shared by the whole app
    pool = bind.sync_engine.pool
    if getattr(pool, "_recyclic_metrics", False):
        return
    pool._recyclic_metrics = True  # type: ignore[attr-defined]
    in_use = metrics.pool_in_use
    event.listen(pool, "checkout", lambda *_: in_use.inc())
    event.listen(pool, "checkin", lambda *_: in_use.dec())
    if not settings.is_sqlite:
        metrics.pool_capacity.inc(settings.db_pool_size + settings.db_max_overflow)


# --- The middleware ---------------------------------------------------------------------------


class MetricsMiddleware:
    """Counts every HTTP request and answers GET /metrics (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, settings: Settings, database: Database) -> None:
        self.app = app
        self.expected = b"Bearer " + settings.metrics_token.get_secret_value().encode()
        self.database = database
        self.metrics = instruments()
        self.multiproc_dir = os.environ.get(MULTIPROC_ENV) or None
        # (method, route, status) → (counter child, histogram child): labels() once per set.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._templates: dict[int, tuple[Any, str]] = {}
        _watch_pool(database, settings, self.metrics)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH:
            await self._expose(scope, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _template(self, scope: Scope) -> str:
        """The matched route's full template ("/api/v1/sales/{sale_id}/refund"), cached per
        route. A route of an included router knows its path without the include's prefix
        (static here): the prefix is the request path's leading segments that the route's
        own path does not cover."""
        route = scope.get("route")
        if route is None:
            return UNMATCHED
        known = self._templates.get(id(route))
        if known is not None and known[0] is route:
            return known[1]
        path: str = getattr(route, "path", "") or ""
        if not path:
            template = UNMATCHED
        elif isinstance(route, Mount) or ":path}" in path:
            template = path
        else:
            parts = scope["path"].split("/")
            template = "/".join(parts[: max(1, len(parts) - path.count("/"))]) + path
        self._templates[id(route)] = (route, template)
        return template

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        template = self._template(scope)
        method: str = scope["method"]
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            shown = method if method in _METHODS else "OTHER"
            labels = (shown, template, str(status))
            children = (self.metrics.requests.labels(*labels), self.metrics.latency.labels(*labels))
            self._children[key] = children
        children[0].inc()
        children[1].observe(elapsed)
        if status == 201 and method == "POST":
            if template == _SALE_ROUTE:
                self.metrics.sales.inc()
            elif template == _REFUND_ROUTE:
                self.metrics.refunds.inc()

    async def _expose(self, scope: Scope, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await send_error(scope, send, 405, "method_not_allowed", "Méthode non autorisée.")
            return
        given = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        if not hmac.compare_digest(given, self.expected):
            await send_error(
                scope, send, 401, "unauthorized", "Jeton de supervision absent ou invalide."
            )
            return
        figures = await self._figures()
        body = await asyncio.to_thread(self._render, figures)
        from prometheus_client import CONTENT_TYPE_LATEST

        headers = [
            (b"content-type", CONTENT_TYPE_LATEST.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    async def _figures(self) -> Figures | None:
        from recyclic.services.operations.figures import read_figures

        try:
            async with self.database.unit_of_work(write=False) as session:
                return await read_figures(session)
        except Exception:
            logger.warning("metrics: the database did not answer", exc_info=True)
            return None

    def _render(self, figures: Figures | None) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest

        if self.multiproc_dir:
            from prometheus_client.multiprocess import MultiProcessCollector

            with contextlib.suppress(OSError):
                _forget_dead_live_gauges(self.multiproc_dir)
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.multiproc_dir)  # type: ignore[no-untyped-call]
            processes = generate_latest(registry)
        else:
            processes = generate_latest(self.metrics.registry)
        database = CollectorRegistry(auto_describe=True)
        database.register(_FiguresCollector(figures))
        return processes + generate_latest(database)


class _FiguresCollector:
    """The database's figures of this scrape, as metric families."""

    def __init__(self, figures: Figures | None) -> None:
        self.figures = figures

    def collect(self) -> Any:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        up = GaugeMetricFamily("recyclic_database_up", "1 when the database answered this scrape.")
        up.add_metric([], 0 if self.figures is None else 1)
        yield up
        if self.figures is None:
            return
        families: list[tuple[Any, str, str, str, dict[str, int]]] = [
            (
                GaugeMetricFamily,
                "recyclic_deposits",
                "Deposits by status.",
                "status",
                self.figures.deposits_by_status,
            ),
            (
                GaugeMetricFamily,
                "recyclic_jobs",
                "Background jobs by status (pending: the queue depth).",
                "status",
                self.figures.jobs_by_status,
            ),
            (
                GaugeMetricFamily,
                "recyclic_jobs_failed",
                "Jobs that failed for good, by task.",
                "task",
                self.figures.failed_jobs_by_task,
            ),
            (
                CounterMetricFamily,
                "recyclic_sync_runs",
                "Sync runs by outcome (success, pending: retried, failed).",
                "outcome",
                self.figures.sync_runs_by_outcome,
            ),
        ]
        for kind, name, documentation, label, counts in families:
            family = kind(name, documentation, labels=[label])
            for value, count in sorted(counts.items()):
                family.add_metric([value], count)
            yield family
        attempts = CounterMetricFamily(
            "recyclic_sync_attempts",
            "Attempts of each upload or append (kdrive, google_sheets), by outcome.",
            labels=["service", "outcome"],
        )
        for (service, outcome), count in sorted(self.figures.sync_attempts.items()):
            attempts.add_metric([service, outcome], count)
        yield attempts
