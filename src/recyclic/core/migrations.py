"""Run the packaged Alembic migrations on an engine (CLI, `serve`, tests).

Alembic is imported only when there is something to migrate: `recyclic serve` on an
up-to-date database compares the stored revision with the packaged heads (read from the
revision files' own `revision`/`down_revision` lines) and starts without it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

HEADS = "heads"
_VERSION_TABLE = "alembic_version"
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(.+)$", re.MULTILINE)


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside the installed package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("recyclic") / "migrations"))
    # Revision files are date-prefixed, e.g. 2026_11_26_0001_foundation.py.
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def _with_foreign_keys_off(connection: Connection, action: str, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds tables (copy, drop, rename); SQLite only allows switching
        # foreign keys off outside a transaction, so do it on the raw connection first.
        connection.connection.cursor().execute("PRAGMA foreign_keys=OFF")
    try:
        if action == "upgrade":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)
        connection.commit()
    finally:
        if sqlite:
            connection.connection.cursor().execute("PRAGMA foreign_keys=ON")


async def upgrade(engine: AsyncEngine, revision: str = HEADS) -> None:
    """Bring the schema up to `revision` (all heads by default)."""
    async with engine.connect() as connection:
        await connection.run_sync(_with_foreign_keys_off, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema down to `revision` ("base" drops everything)."""
    async with engine.connect() as connection:
        await connection.run_sync(_with_foreign_keys_off, "downgrade", revision)


def _current_heads(connection: Connection) -> set[str]:
    """The revisions recorded in the database (empty before the first migration)."""
    if not inspect(connection).has_table(_VERSION_TABLE):
        return set()
    rows = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}"))  # noqa: S608
    return {str(row[0]) for row in rows}


def _packaged() -> tuple[set[str], set[str]]:
    """(every packaged revision, the heads), read from each revision file's `revision` and
    `down_revision` assignments (cheap: Alembic is not loaded)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (files("recyclic") / "migrations" / "versions").iterdir():
        if not path.name.endswith(".py") or path.name.startswith("__"):
            continue
        found = {m[1]: m[2] for m in _REVISION_LINE.finditer(path.read_text("utf-8"))}
        if "revision" not in found:
            continue
        revisions.add(str(ast.literal_eval(found["revision"])))
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents.update([down] if isinstance(down, str) else list(down or ()))
    return revisions, revisions - parents


def packaged_heads() -> set[str]:
    """The heads of the packaged revisions (see `_packaged`)."""
    return _packaged()[1]


async def pending_revisions(engine: AsyncEngine) -> bool:
    """True when the database is not at the packaged heads."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_heads)
    return current != packaged_heads()


async def upgrade_if_needed(engine: AsyncEngine) -> bool:
    """Upgrade to the packaged heads unless the database is there already (True if it ran)."""
    if not await pending_revisions(engine):
        return False
    await upgrade(engine)
    return True


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where the database's schema stands against the migrations this code carries."""

    current: frozenset[str]
    heads: frozenset[str]
    # Revisions recorded in the database that this code does not know: a newer version of
    # Recyclic migrated it.
    unknown: frozenset[str]

    @property
    def at_head(self) -> bool:
        return self.current == self.heads

    @property
    def newer_than_code(self) -> bool:
        return bool(self.unknown)


async def schema_state(bind: AsyncEngine | AsyncConnection) -> SchemaState:
    """The database's revisions, the code's heads, and what the code does not know (read
    without loading Alembic: `recyclic serve` checks this at every start)."""
    if isinstance(bind, AsyncConnection):
        current = await bind.run_sync(_current_heads)
    else:
        async with bind.connect() as connection:
            current = await connection.run_sync(_current_heads)
    revisions, heads = _packaged()
    return SchemaState(
        current=frozenset(current),
        heads=frozenset(heads),
        unknown=frozenset(current - revisions),
    )
