"""Engine, sessions and the unit of work, for embedded SQLite and for PostgreSQL.

One unit of work per request, bot update or job: the session is committed once, after the
service returned and before the answer leaves; any exception rolls everything back. Work that
must only happen once the data is durable (handing jobs to the broker) is registered with
`on_commit` and runs after the commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from recyclic.core.config import Settings
from recyclic.utils.files import create_private_file

logger = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
_AFTER_COMMIT_KEY = "recyclic_after_commit"
# Execution option telling the SQLite "begin" hook to take the write lock up front.
_SQLITE_WRITE_OPTION = "recyclic_sqlite_write"


class UnitOfWorkFactory(Protocol):
    """`Database.unit_of_work`, as long workflows (sync, jobs) receive it."""

    def __call__(self, *, write: bool = True) -> AbstractAsyncContextManager[AsyncSession]: ...


def on_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` once this unit of work has committed (never if it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, busy timeout, and transactions whose BEGIN we control."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below emit BEGIN, so SAVEPOINTs and write locks work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes SQLite's write lock at BEGIN: upgrading a read transaction later
        # fails at once with SQLITE_BUSY instead of waiting on busy_timeout.
        if connection.get_execution_options().get(_SQLITE_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def create_engine_from_settings(settings: Settings) -> AsyncEngine:
    """The engine for the configured database, tuned for its dialect."""
    url = settings.database_url
    if settings.is_sqlite:
        path = settings.sqlite_path
        if path is not None:
            # 0600 before SQLite opens it (its -wal and -shm files take the same mode).
            create_private_file(path)
            engine = create_async_engine(
                url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000}
            )
        else:
            engine = create_async_engine(url, poolclass=StaticPool)
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=1800,
        connect_args={
            "timeout": settings.db_connect_timeout,
            # Client side: a database that stopped answering (network black hole) fails the
            # request fast instead of hanging; the server-side statement_timeout stays.
            "command_timeout": settings.db_command_timeout,
            "server_settings": {
                "application_name": "recyclic",
                "statement_timeout": str(settings.db_statement_timeout_ms),
                # A client that vanished mid-transaction must not hold locks for long.
                "idle_in_transaction_session_timeout": "60000",
                # Short OLTP queries: JIT compilation only adds latency.
                "jit": "off",
            },
        },
    )


class Database:
    """Owns the engine and hands out units of work."""

    def __init__(
        self,
        bind: AsyncEngine | AsyncConnection,
        *,
        serialize_all: bool = False,
    ) -> None:
        self.bind = bind
        self.dialect = bind.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        self._read_factory: async_sessionmaker[AsyncSession]
        self._write_factory: async_sessionmaker[AsyncSession]
        if isinstance(bind, AsyncConnection):
            # Tests: every unit of work is a SAVEPOINT inside the test's own transaction.
            self._read_factory = async_sessionmaker(
                bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            self._write_factory = self._read_factory
        else:
            writer = bind.execution_options(**{_SQLITE_WRITE_OPTION: True})
            self._read_factory = async_sessionmaker(bind=bind, expire_on_commit=False)
            self._write_factory = async_sessionmaker(bind=writer, expire_on_commit=False)
        # One connection cannot run two statements at once; SQLite has a single writer:
        # queue in-process rather than spin on busy_timeout.
        self._all_lock = asyncio.Lock() if serialize_all else None
        self._write_lock = asyncio.Lock() if self.is_sqlite and not serialize_all else None
        # Copied into every session's `info`: how services reach process-wide helpers that
        # they must not import (e.g. the job dispatcher used by the outbox after commit).
        self.session_info: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """The database of this installation."""
        return cls(create_engine_from_settings(settings))

    @classmethod
    def for_connection(cls, connection: AsyncConnection) -> Database:
        """A database whose units of work are savepoints of an outer transaction (tests)."""
        return cls(connection, serialize_all=True)

    @asynccontextmanager
    async def unit_of_work(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session committed once at the end, rolled back on any exception (unless the
        exception carries `commit_changes = True`)."""
        committed = False
        callbacks: list[AfterCommit] = []
        try:
            async with AsyncExitStack() as stack:
                lock = self._all_lock or (self._write_lock if write else None)
                if lock is not None:
                    await stack.enter_async_context(lock)
                factory = self._write_factory if write else self._read_factory
                session = await stack.enter_async_context(factory())
                session.info.update(self.session_info)
                try:
                    yield session
                    await session.commit()
                    committed = True
                except BaseException as exc:
                    # Some refusals are outcomes worth keeping (a failed PIN attempt counted,
                    # a stolen token's family revoked): those errors ask for a commit.
                    if getattr(exc, "commit_changes", False):
                        await session.commit()
                        committed = True
                    else:
                        await session.rollback()
                    raise
                finally:
                    callbacks = session.info.pop(_AFTER_COMMIT_KEY, [])
        finally:
            # After the lock is released; only for data that is durable.
            if committed:
                for callback in callbacks:
                    try:
                        await callback()
                    except Exception:
                        logger.exception("after-commit callback failed")

    async def ping(self, seconds: float = 3.0) -> None:
        """Raise if the database does not answer `SELECT 1` within `seconds`."""
        async with asyncio.timeout(seconds), self.unit_of_work(write=False) as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close pooled connections (engine-owned databases only)."""
        if isinstance(self.bind, AsyncEngine):
            await self.bind.dispose()
