"""What every command shares: settings, the database, and one-line errors instead of tracebacks."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import NoReturn, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from recyclic.core.config import Settings, get_settings
from recyclic.core.database import Database
from recyclic.core.exceptions import ConfigurationError, RecyclicError
from recyclic.core.logging import configure_logging

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit with status 1."""
    typer.secho(f"Erreur : {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def load_settings() -> Settings:
    """The settings, or a one-line explanation of what is wrong with them."""
    try:
        settings = get_settings()
    except ConfigurationError as exc:
        fail(str(exc))
    except ValidationError as exc:
        problems = "; ".join(
            f"RECYCLIC_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        fail(f"configuration invalide — {problems}")
    configure_logging(settings.log_level, json_lines=settings.log_json)
    # Everything a command creates (database, recordings, exports, backups) is private.
    os.umask(0o077)
    return settings


def safe_database_url(settings: Settings) -> str:
    """The database URL without its password, for messages."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _is_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(exc, sa_exc.DBAPIError):  # refused, unknown database, authentication…
        return True
    # asyncpg's own errors (unknown database, authentication) during connect.
    return type(exc).__module__.startswith("asyncpg")


def run(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run an async command; known failures become one line and exit status 1."""
    try:
        return asyncio.run(_call(work))
    except RecyclicError as exc:
        fail(exc.message)
    except ConfigurationError as exc:
        fail(str(exc))
    except Exception as exc:
        if _is_unreachable(exc):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0] or type(exc).__name__
            fail(f"base de données inutilisable ({safe_database_url(settings)}) : {reason}")
        raise


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """The configured database, disposed of at the end of the command.

    A command (bulk history, backup, yearly archive) may run statements longer than a
    request's few seconds: only the server-side statement timeout bounds them here."""
    database = Database.from_settings(settings.for_batch_work())
    try:
        yield database
    finally:
        await database.dispose()
