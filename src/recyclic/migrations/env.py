"""Alembic environment: runs on a connection handed over by `recyclic.core.migrations`."""

from __future__ import annotations

from alembic import context

from recyclic.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations through `recyclic db upgrade` (it opens the configured database)."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
