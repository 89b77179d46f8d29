"""Where a site's data goes: its own sync configuration, else the installation's settings.

A site's configuration (`Site.sync_config`, secrets encrypted) wins. On a single-site
installation the `RECYCLIC_KDRIVE_*` / `RECYCLIC_GOOGLE_SHEETS_*` settings serve that site;
with several sites each site configures its own targets, so one site's files and rows never
land in another's spreadsheet by accident. A service account key is the exception: a site
that names its spreadsheet but no key uses the installation's key file (a federation usually
shares one service account).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from recyclic.core.config import Settings
from recyclic.core.exceptions import ConfigurationError
from recyclic.models.site import Site
from recyclic.schemas.site import SYNC_SECRET_KEYS
from recyclic.services.people.sites import read_sync_secret

if TYPE_CHECKING:
    # The HTTP clients (httpx and its extras) load when a sync runs, not with the API.
    from recyclic.services.sync.clients.google_sheets import GoogleSheetsClient, ServiceAccount
    from recyclic.services.sync.clients.retry import RetryPolicy
    from recyclic.services.sync.clients.webdav import WebDavClient


@dataclass(frozen=True)
class KDriveTarget:
    url: str
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class SheetsTarget:
    spreadsheet_id: str
    account: ServiceAccount


@dataclass(frozen=True)
class SyncTargets:
    """The configured targets of one site (None: not configured)."""

    kdrive: KDriveTarget | None
    sheets: SheetsTarget | None

    @property
    def any(self) -> bool:
        """True when at least one target is configured."""
        return self.kdrive is not None or self.sheets is not None


def resolve_targets(site: Site, settings: Settings, *, single_site: bool) -> SyncTargets:
    """The site's targets; raises ConfigurationError when a configured one is unusable."""
    return SyncTargets(
        kdrive=_kdrive(site, settings, single_site), sheets=_sheets(site, settings, single_site)
    )


def _secret(site: Site, name: str, settings: Settings) -> str | None:
    value = read_sync_secret(site, name, secret_key=settings.secret_key.get_secret_value())
    if value is None and (site.sync_config or {}).get(SYNC_SECRET_KEYS[name]):
        # Stored under another server secret (RECYCLIC_SECRET_KEY changed since).
        raise ConfigurationError(
            f"Le secret {name} du site {site.slug} ne se déchiffre plus : saisissez-le à nouveau."
        )
    return value


def _kdrive(site: Site, settings: Settings, single_site: bool) -> KDriveTarget | None:
    config = site.sync_config or {}
    if config.get("kdrive_url"):
        return KDriveTarget(
            url=str(config["kdrive_url"]),
            username=str(config.get("kdrive_username") or ""),
            password=_secret(site, "kdrive_password", settings) or "",
        )
    if single_site and settings.kdrive_url:
        return KDriveTarget(
            url=settings.kdrive_url,
            username=settings.kdrive_username,
            password=settings.kdrive_password.get_secret_value(),
        )
    return None


def _sheets(site: Site, settings: Settings, single_site: bool) -> SheetsTarget | None:
    from recyclic.services.sync.clients.google_sheets import ServiceAccount

    config = site.sync_config or {}
    spreadsheet = str(config.get("google_sheets_spreadsheet_id") or "")
    if not spreadsheet and single_site:
        spreadsheet = settings.google_sheets_spreadsheet_id
    if not spreadsheet:
        return None
    key_json = _secret(site, "google_sheets_credentials_json", settings)
    if key_json:
        try:
            info = json.loads(key_json)
        except ValueError as exc:
            raise ConfigurationError(
                f"La clé Google du site {site.slug} n'est pas un JSON valide."
            ) from exc
        if not isinstance(info, dict):
            raise ConfigurationError(f"La clé Google du site {site.slug} est invalide.")
        account = ServiceAccount.from_info(info)
    elif settings.google_sheets_credentials_file:
        account = ServiceAccount.from_file(settings.google_sheets_credentials_file)
    else:
        raise ConfigurationError(
            "Google Sheets : aucune clé de compte de service (clé du site ou "
            "RECYCLIC_GOOGLE_SHEETS_CREDENTIALS_FILE)."
        )
    return SheetsTarget(spreadsheet, account)


class SyncClients(Protocol):
    """Builds the HTTP clients of a run (tests pass fast retry policies)."""

    def webdav(self, target: KDriveTarget) -> WebDavClient: ...

    def sheets(self, target: SheetsTarget) -> GoogleSheetsClient: ...


@dataclass(frozen=True)
class DefaultSyncClients:
    """Clients configured by the RECYCLIC_SYNC_* and RECYCLIC_GOOGLE_SHEETS_* settings."""

    settings: Settings
    policy: RetryPolicy | None = None

    def _policy(self) -> RetryPolicy:
        from recyclic.services.sync.clients.retry import RetryPolicy

        return self.policy or RetryPolicy.from_settings(self.settings)

    def webdav(self, target: KDriveTarget) -> WebDavClient:
        from recyclic.services.sync.clients.webdav import WebDavClient

        return WebDavClient(
            target.url,
            target.username,
            target.password,
            timeout_seconds=self.settings.sync_http_timeout_seconds,
            policy=self._policy(),
        )

    def sheets(self, target: SheetsTarget) -> GoogleSheetsClient:
        from recyclic.services.sync.clients.google_sheets import GoogleSheetsClient

        return GoogleSheetsClient(
            target.spreadsheet_id,
            target.account,
            api_url=self.settings.google_sheets_api_url,
            batch_size=self.settings.google_sheets_batch_size,
            timeout_seconds=self.settings.sync_http_timeout_seconds,
            policy=self._policy(),
        )
