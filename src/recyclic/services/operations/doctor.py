"""`recyclic doctor`: is this installation fit to run a shop? One check per concern, each
ok / warning / error with a French sentence saying what to do.

The checks only read: the database (schema, heartbeats, outbox, sync logs), Redis (PING),
the data directory and the backups in it. The Telegram webhook check needs the bot, an
interface: the command adds it (`cli/doctor.py`).
"""

from __future__ import annotations

import asyncio
import enum
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from recyclic.core.config import Settings
from recyclic.core.database import Database
from recyclic.core.migrations import schema_state
from recyclic.core.redis import create_redis
from recyclic.models.base import utcnow
from recyclic.models.sync_log import SyncStatus
from recyclic.repositories.outbox_repository import OutboxRepository
from recyclic.repositories.site_repository import SiteRepository
from recyclic.repositories.sync_repository import SyncLogRepository
from recyclic.services.messaging.workers import WorkerHeartbeats
from recyclic.services.operations.backup import latest_backup

# A due job waiting longer than this means no worker takes jobs (warning, then error).
BACKLOG_WARNING = timedelta(minutes=5)
BACKLOG_ERROR = timedelta(hours=1)
# Sync runs daily: no success for longer than this is worth a look.
SYNC_WARNING = timedelta(hours=36)
# Secrets with fewer distinct characters than this are a typed word, not a random string.
_MIN_DISTINCT_SECRET_CHARACTERS = 12
_MIN_SECRET_LENGTH = 32


class Level(enum.IntEnum):
    """Also the exit status of `recyclic doctor` (the worst of all checks)."""

    OK = 0
    WARNING = 1
    ERROR = 2


@dataclass(frozen=True, slots=True)
class Check:
    key: str  # stable, for monitoring (`--json`)
    label: str  # "Base de données / Database"
    level: Level
    detail: str  # French: what was found, and what to do

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.key,
            "label": self.label,
            "status": self.level.name.lower(),
            "detail": self.detail,
        }


def worst(checks: list[Check]) -> Level:
    return max((check.level for check in checks), default=Level.OK)


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172_800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86_400} j"


# --- Configuration ------------------------------------------------------------------------


def configuration_checks(settings: Settings) -> list[Check]:
    """Secret strength, production mode, HTTPS public URL, trusted proxy."""
    checks = []
    secret = settings.secret_key.get_secret_value()
    if len(secret) < _MIN_SECRET_LENGTH:
        checks.append(
            Check(
                "secret",
                "Secret / Secret key",
                Level.ERROR,
                f"RECYCLIC_SECRET_KEY trop court ({len(secret)} caractères, "
                f"{_MIN_SECRET_LENGTH} au moins).",
            )
        )
    elif len(set(secret)) < _MIN_DISTINCT_SECRET_CHARACTERS:
        checks.append(
            Check(
                "secret",
                "Secret / Secret key",
                Level.ERROR,
                "RECYCLIC_SECRET_KEY n'est pas aléatoire (trop peu de caractères différents) : "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'.",
            )
        )
    else:
        checks.append(
            Check("secret", "Secret / Secret key", Level.OK, f"{len(secret)} caractères.")
        )

    if settings.env == "production":
        checks.append(Check("mode", "Mode / Mode", Level.OK, "production."))
    else:
        checks.append(
            Check(
                "mode",
                "Mode / Mode",
                Level.WARNING,
                "développement : mettez RECYCLIC_ENV=production sur un serveur de boutique.",
            )
        )

    url = settings.public_url.strip()
    if not url:
        checks.append(
            Check(
                "public_url",
                "Adresse publique / Public URL",
                Level.OK,
                "non définie (bot en mode polling, pas de webhook).",
            )
        )
    elif url.lower().startswith("https://"):
        checks.append(Check("public_url", "Adresse publique / Public URL", Level.OK, url))
    else:
        checks.append(
            Check(
                "public_url",
                "Adresse publique / Public URL",
                Level.ERROR,
                f"{url} n'est pas en HTTPS : les tablettes hors ligne et Telegram exigent "
                "https://.",
            )
        )

    if settings.trusted_proxies.strip():
        checks.append(
            Check("proxy", "Proxy de confiance / Trusted proxy", Level.OK, settings.trusted_proxies)
        )
    else:
        level = Level.WARNING if settings.env == "production" else Level.OK
        checks.append(
            Check(
                "proxy",
                "Proxy de confiance / Trusted proxy",
                level,
                "aucun : derrière Caddy, mettez RECYCLIC_TRUSTED_PROXIES=127.0.0.1,::1 "
                "(sinon tous les clients ont l'adresse du proxy).",
            )
        )
    return checks


# --- Database and Redis -------------------------------------------------------------------


async def database_check(database: Database) -> Check:
    label = "Base de données / Database"
    try:
        await database.ping()
        state = await schema_state(database.bind)
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()
        return Check(
            "database",
            label,
            Level.ERROR,
            f"injoignable : {reason[0] if reason else type(exc).__name__}.",
        )
    if state.newer_than_code:
        return Check(
            "database",
            label,
            Level.ERROR,
            f"schéma plus récent que ce code ({', '.join(sorted(state.unknown))}) : "
            "installez la version de Recyclic qui l'a migré.",
        )
    if not state.at_head:
        return Check(
            "database",
            label,
            Level.ERROR,
            "migrations en attente : lancez `recyclic db upgrade`.",
        )
    return Check(
        "database", label, Level.OK, f"joignable, schéma à jour ({', '.join(state.heads)})."
    )


async def redis_check(settings: Settings) -> Check:
    label = "Redis"
    if not settings.redis_url:
        level = Level.WARNING if settings.env == "production" else Level.OK
        return Check(
            "redis",
            label,
            level,
            "non configuré (mode embarqué : un seul processus serveur, tâches dans le serveur).",
        )
    redis = create_redis(settings.redis_url)
    try:
        async with asyncio.timeout(3):
            await redis.ping()
    except Exception as exc:
        return Check("redis", label, Level.ERROR, f"injoignable : {type(exc).__name__}: {exc}.")
    finally:
        await redis.aclose()
    return Check("redis", label, Level.OK, "répond.")


# --- Jobs, sync -----------------------------------------------------------------------------


async def worker_check(settings: Settings, database: Database, now: datetime) -> Check:
    label = "Workers / Job workers"
    if not settings.redis_url:
        return Check(
            "workers", label, Level.OK, "sans Redis, le serveur exécute lui-même les tâches."
        )
    stale = timedelta(seconds=settings.worker_stale_seconds)
    async with database.unit_of_work(write=False) as session:
        states = await WorkerHeartbeats(session).states(now=now, stale_after=stale)
    alive = [state for state in states if state.alive]
    if alive:
        hosts = sorted({state.hostname for state in alive})
        return Check(
            "workers",
            label,
            Level.OK,
            f"{len(alive)} en marche ({', '.join(hosts)}).",
        )
    if states:
        last = max(state.seen_at for state in states)
        return Check(
            "workers",
            label,
            Level.ERROR,
            f"aucun worker vivant (dernier signe il y a {_age(now - last)}) : "
            "systemctl start recyclic-worker@1.",
        )
    return Check(
        "workers",
        label,
        Level.ERROR,
        "aucun worker en marche : les tâches (synchro, classement) attendent. "
        "systemctl enable --now recyclic-worker@1.",
    )


async def outbox_check(database: Database, now: datetime) -> Check:
    label = "File de tâches / Job queue"
    async with database.unit_of_work(write=False) as session:
        outbox = OutboxRepository(session)
        count, oldest = await outbox.backlog(now=now)
        failed = await outbox.failed_since(now - timedelta(days=1))
    waiting = now - oldest if oldest is not None else timedelta(0)
    detail = f"{count} tâche(s) en attente"
    if count:
        detail += f", la plus ancienne depuis {_age(waiting)}"
    detail += f" ; {failed} en échec définitif depuis 24 h."
    if waiting > BACKLOG_ERROR:
        return Check("outbox", label, Level.ERROR, detail + " Les workers ne suivent pas.")
    if waiting > BACKLOG_WARNING or failed:
        return Check("outbox", label, Level.WARNING, detail)
    return Check("outbox", label, Level.OK, detail)


def _site_syncs(sync_config: dict[str, Any] | None, settings: Settings, single: bool) -> bool:
    config = sync_config or {}
    if config.get("kdrive_url") or config.get("google_sheets_spreadsheet_id"):
        return True
    return single and bool(settings.kdrive_url or settings.google_sheets_spreadsheet_id)


async def sync_checks(settings: Settings, database: Database, now: datetime) -> list[Check]:
    """One check per site that syncs (or ever synced): its last successful run."""
    async with database.unit_of_work(write=False) as session:
        sites = await SiteRepository(session).list_all()
        runs = await SyncLogRepository(session).last_runs()
    single = len(sites) == 1
    checks = []
    for site in sites:
        if not site.is_active:
            continue
        site_runs = runs.get(site.id, {})
        if not site_runs and not _site_syncs(site.sync_config, settings, single):
            continue
        label = f"Synchro / Sync {site.slug}"
        success = site_runs.get(SyncStatus.SUCCESS)
        failure = site_runs.get(SyncStatus.FAILED)
        if success is None:
            level = Level.WARNING
            detail = "jamais réussie."
        else:
            age = now - success
            level = Level.WARNING if age > SYNC_WARNING else Level.OK
            detail = f"dernière réussite il y a {_age(age)}."
        if failure is not None and (success is None or failure > success):
            level = Level.WARNING
            detail += f" Dernier échec il y a {_age(now - failure)} (voir GET /api/v1/sync/logs)."
        checks.append(Check(f"sync:{site.slug}", label, level, detail))
    if not checks:
        checks.append(
            Check("sync", "Synchro / Sync", Level.OK, "aucun site ne synchronise (kDrive, Sheets).")
        )
    return checks


# --- Files ----------------------------------------------------------------------------------


def backup_check(settings: Settings, now: datetime) -> Check:
    label = "Sauvegarde / Backup"
    newest = latest_backup(settings)
    if newest is None:
        return Check(
            "backup",
            label,
            Level.WARNING,
            f"aucune sauvegarde dans {settings.data_dir / 'backups'} : "
            "systemctl enable --now recyclic-backup.timer.",
        )
    taken = datetime.fromtimestamp(newest.stat().st_mtime, tz=now.tzinfo)
    age = now - taken
    limit = timedelta(hours=settings.backup_max_age_hours)
    detail = f"{newest.name}, il y a {_age(age)}."
    if age > 3 * limit:
        return Check("backup", label, Level.ERROR, detail + " Les sauvegardes ne se font plus.")
    if age > limit:
        return Check("backup", label, Level.WARNING, detail)
    return Check("backup", label, Level.OK, detail)


def disk_check(settings: Settings, *, usage: Callable[[Path], Any] = shutil.disk_usage) -> Check:
    label = "Disque / Disk"
    directory = settings.data_dir
    try:
        free = usage(directory if directory.exists() else directory.parent).free
    except OSError as exc:
        return Check("disk", label, Level.ERROR, f"{directory} illisible : {exc}.")
    free_mb = free // (1024 * 1024)
    detail = f"{free_mb} Mo libres dans {directory}."
    minimum = settings.disk_min_free_mb
    if free_mb < minimum // 10:
        return Check("disk", label, Level.ERROR, detail)
    if free_mb < minimum:
        return Check("disk", label, Level.WARNING, detail + f" (moins de {minimum} Mo)")
    return Check("disk", label, Level.OK, detail)


# --- Everything -----------------------------------------------------------------------------

WebhookProbe = Callable[[], Awaitable[Check]]


async def run_checks(
    settings: Settings,
    database: Database,
    *,
    webhook: WebhookProbe | None = None,
    now: datetime | None = None,
) -> list[Check]:
    """Every check, in the table's order; a check that cannot run is an error, not a crash."""
    now = now or utcnow()
    checks = configuration_checks(settings)
    database_ok = await database_check(database)
    checks.append(database_ok)
    checks.append(await redis_check(settings))
    if database_ok.level is Level.OK:
        for key, label, probe in (
            ("workers", "Workers / Job workers", lambda: worker_check(settings, database, now)),
            ("outbox", "File de tâches / Job queue", lambda: outbox_check(database, now)),
        ):
            checks.append(await _guarded(key, label, probe))
        try:
            checks.extend(await sync_checks(settings, database, now))
        except Exception as exc:
            checks.append(Check("sync", "Synchro / Sync", Level.ERROR, f"illisible : {exc}."))
    checks.append(backup_check(settings, now))
    checks.append(disk_check(settings))
    if webhook is not None:
        checks.append(await _guarded("webhook", "Webhook Telegram", webhook))
    return checks


async def _guarded(key: str, label: str, probe: Callable[[], Awaitable[Check]]) -> Check:
    try:
        return await probe()
    except Exception as exc:
        return Check(key, label, Level.ERROR, f"vérification impossible : {exc}.")
