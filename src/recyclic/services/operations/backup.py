"""Backups of the database while the application runs (`recyclic backup`).

SQLite: the online backup API copies the file page by page from a read transaction, so the
copy is one consistent state even while the shop keeps selling (WAL: readers never block
writers); the copy is then checked with `PRAGMA integrity_check`. PostgreSQL: `pg_dump` in
its custom format (compressed, restored with `pg_restore`), which also reads one consistent
snapshot. Restoring is described in docs/operations.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from recyclic.core.config import Settings
from recyclic.core.exceptions import RecyclicError
from recyclic.models.base import utcnow
from recyclic.utils.files import ensure_private_dir, make_private


class BackupFailed(RecyclicError):
    status = 500
    code = "backup_failed"
    message = "La sauvegarde a échoué."


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    kind: str  # "sqlite" | "pg_dump"


def default_backup_path(settings: Settings, now: datetime) -> Path:
    """DATA_DIR/backups/recyclic-YYYYMMDD-HHMMSS.{db|dump} (UTC)."""
    suffix = "db" if settings.is_sqlite else "dump"
    return settings.data_dir / "backups" / f"recyclic-{now:%Y%m%d-%H%M%S}.{suffix}"


async def backup_database(settings: Settings, target: Path | None = None) -> Backup:
    """Back the configured database up to `target` (a new file; an existing one is replaced
    only once the new copy is complete)."""
    target = target or default_backup_path(settings, utcnow())
    await asyncio.to_thread(ensure_private_dir, target.parent)
    partial = target.with_name(f".{target.name}.part")
    try:
        if settings.is_sqlite:
            await asyncio.to_thread(_sqlite_backup, settings, partial)
            kind = "sqlite"
        else:
            await _pg_dump(settings, partial)
            kind = "pg_dump"
        await asyncio.to_thread(make_private, partial)
        await asyncio.to_thread(os.replace, partial, target)
    finally:
        with contextlib.suppress(OSError):
            await asyncio.to_thread(partial.unlink)
    size = (await asyncio.to_thread(target.stat)).st_size
    return Backup(target, size, kind)


def _sqlite_backup(settings: Settings, partial: Path) -> None:
    source_path = settings.sqlite_path
    if source_path is None:
        raise BackupFailed("Base SQLite en mémoire : il n'y a pas de fichier à sauvegarder.")
    if not source_path.exists():
        raise BackupFailed(f"Base SQLite introuvable : {source_path}.")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: everything in one step, from one read transaction — one consistent state.
            source.backup(copy, pages=-1)
            verdict = copy.execute("PRAGMA integrity_check").fetchone()
            if not verdict or verdict[0] != "ok":
                raise BackupFailed(f"La copie est corrompue : {verdict}.")
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"Sauvegarde SQLite impossible : {exc}.") from exc
    finally:
        source.close()


async def _pg_dump(settings: Settings, partial: Path) -> None:
    executable = shutil.which("pg_dump")
    if executable is None:
        raise BackupFailed(
            "pg_dump est introuvable : installez le client PostgreSQL (paquet postgresql-client, "
            "de la même version majeure que le serveur) ou ajoutez-le au PATH."
        )
    url = make_url(settings.database_url)
    # The password goes through the environment, never the command line (visible in `ps`).
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    for variable, value in (
        ("PGHOST", url.host),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value:
            env[variable] = str(value)
    process = await asyncio.create_subprocess_exec(
        executable,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={partial}",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        detail = errors.decode("utf-8", "replace").strip().splitlines()
        raise BackupFailed(f"pg_dump a échoué : {detail[-1] if detail else process.returncode}.")


_BACKUP_GLOB = ("recyclic-*.db", "recyclic-*.dump")


def backups_in(directory: Path) -> list[Path]:
    """The backups `recyclic backup` wrote in `directory` (default names), oldest first."""
    if not directory.is_dir():
        return []
    found = {path for pattern in _BACKUP_GLOB for path in directory.glob(pattern)}
    return sorted((p for p in found if p.is_file()), key=lambda p: p.stat().st_mtime)


def latest_backup(settings: Settings) -> Path | None:
    """The newest backup of DATA_DIR/backups, or None."""
    found = backups_in(settings.data_dir / "backups")
    return found[-1] if found else None


def prune_backups(directory: Path, keep_days: int, *, keep: Path | None = None) -> list[Path]:
    """Delete the default-named backups older than `keep_days` days; never `keep` (the one
    just written) nor the newest one, whatever their age. Returns what was deleted."""
    found = backups_in(directory)
    if not found:
        return []
    limit = utcnow().timestamp() - keep_days * 86_400
    newest = found[-1]
    removed = []
    for path in found:
        if path in (newest, keep) or path.stat().st_mtime >= limit:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
