"""An export as a file to hand over: a name, a media type and its bytes, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.core.database import Database
from recyclic.utils.files import ensure_private_dir, make_private


@dataclass(frozen=True, slots=True)
class ExportFile:
    """`chunks` is consumed once: by the HTTP response, or by `save_export`."""

    filename: str
    media_type: str
    chunks: AsyncIterator[bytes]

    @classmethod
    def of_bytes(cls, filename: str, media_type: str, content: bytes) -> ExportFile:
        """A small export produced in one piece."""

        async def once() -> AsyncIterator[bytes]:
            yield content

        return cls(filename, media_type, once())


async def save_export(export: ExportFile, directory: Path) -> Path:
    """Write an export under `directory` (created if needed) and return its path.

    Written to a temporary name and renamed at the end, so that a reader (an upload job)
    never sees half a file.
    """
    await anyio.to_thread.run_sync(ensure_private_dir, directory)
    folder = anyio.Path(directory)
    target = folder / export.filename
    partial = folder / f".{export.filename}.part"
    try:
        async with await anyio.open_file(partial, "wb") as handle:
            await anyio.to_thread.run_sync(make_private, Path(partial))
            async for chunk in export.chunks:
                await handle.write(chunk)
        await partial.replace(target)
    finally:
        await partial.unlink(missing_ok=True)
    return Path(target)


async def read_export(export: ExportFile) -> bytes:
    """All the bytes of an export (tests and small files)."""
    return b"".join([chunk async for chunk in export.chunks])


Reader = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def batch_reader(session: AsyncSession, database: Database | None) -> Reader:
    """How a streamed export reads its batches: each in a short read-only unit of work of its
    own (the HTTP response is sent after the request's unit of work has ended), or, without a
    `Database`, through the caller's session (a job writing a file inside its unit of work)."""
    if database is not None:
        return lambda: database.unit_of_work(write=False)

    @asynccontextmanager
    async def same_session() -> AsyncIterator[AsyncSession]:
        yield session

    return same_session
