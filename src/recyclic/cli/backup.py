"""`recyclic backup`: a consistent copy of the database while the application runs."""

from __future__ import annotations

from pathlib import Path

import typer

from recyclic.cli._runtime import load_settings, run
from recyclic.services.operations.backup import backup_database, prune_backups


def backup(
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="Fichier de sauvegarde (défaut : DATA_DIR/backups/recyclic-AAAAMMJJ-HHMMSS).",
    ),
    keep_days: int | None = typer.Option(
        None,
        "--keep-days",
        min=1,
        help="Supprime ensuite les sauvegardes de DATA_DIR/backups plus vieilles que N jours "
        "(la plus récente est toujours gardée).",
    ),
) -> None:
    """Sauvegarde la base en marche (SQLite : copie en ligne ; PostgreSQL : pg_dump).

    Restauration : voir docs/operations.md."""
    settings = load_settings()
    done = run(settings, lambda: backup_database(settings, output))
    kib = max(1, round(done.size / 1024))
    typer.echo(f"Sauvegarde écrite : {done.path} ({done.kind}, {kib} Kio).")
    if keep_days is not None:
        removed = prune_backups(settings.data_dir / "backups", keep_days, keep=done.path)
        typer.echo(f"Anciennes sauvegardes supprimées : {len(removed)} (plus de {keep_days} j).")
