"""Run the packaged Alembic migrations on an engine (CLI, `serve`, tests)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

HEADS = "heads"


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside the installed package."""
    config = Config()
    config.set_main_option("script_location", str(files("recyclic") / "migrations"))
    # Revision files are date-prefixed, e.g. 2026_11_26_0001_foundation.py.
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def _with_foreign_keys_off(connection: Connection, action: str, revision: str) -> None:
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
    return set(MigrationContext.configure(connection).get_current_heads())


async def pending_revisions(engine: AsyncEngine) -> bool:
    """True when the database is not at the packaged heads."""
    script_heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_heads)
    return current != script_heads


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


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except (CommandError, ResolutionError):
        return False


async def schema_state(bind: AsyncEngine | AsyncConnection) -> SchemaState:
    """The database's revisions, the code's heads, and what the code does not know."""
    script = ScriptDirectory.from_config(alembic_config())
    if isinstance(bind, AsyncConnection):
        current = await bind.run_sync(_current_heads)
    else:
        async with bind.connect() as connection:
            current = await connection.run_sync(_current_heads)
    return SchemaState(
        current=frozenset(current),
        heads=frozenset(script.get_heads()),
        unknown=frozenset(r for r in current if not _known(script, r)),
    )
