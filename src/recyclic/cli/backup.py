"""`recyclic backup`: a consistent copy of the database while the application runs."""

from __future__ import annotations

from pathlib import Path

import typer

from recyclic.cli._runtime import load_settings, run
from recyclic.services.operations.backup import backup_database


def backup(
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="Fichier de sauvegarde (défaut : DATA_DIR/backups/recyclic-AAAAMMJJ-HHMMSS).",
    ),
) -> None:
    """Sauvegarde la base en marche (SQLite : copie en ligne ; PostgreSQL : pg_dump).

    Restauration : voir docs/operations.md."""
    settings = load_settings()
    done = run(settings, lambda: backup_database(settings, output))
    kib = max(1, round(done.size / 1024))
    typer.echo(f"Sauvegarde écrite : {done.path} ({done.kind}, {kib} Kio).")
