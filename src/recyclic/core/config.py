"""Application settings, read from `RECYCLIC_*` environment variables and a `.env` file."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from recyclic.core.exceptions import ConfigurationError
from recyclic.utils.files import ensure_private_dir

# Values people paste from examples; production refuses them as secrets.
_UNSAFE_SECRETS = {"", "changeme", "change-me", "changethis", "secret", "dev", "development"}
_MIN_PRODUCTION_SECRET_LENGTH = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret

_SQLITE_PREFIXES = ("sqlite+aiosqlite://", "sqlite://")
_POSTGRES_PREFIXES = ("postgresql+asyncpg://", "postgresql://", "postgres://")


def normalize_database_url(url: str) -> str:
    """Map the accepted spellings of a database URL onto the async drivers we ship."""
    for prefix in _SQLITE_PREFIXES:
        if url.startswith(prefix):
            return "sqlite+aiosqlite://" + url[len(prefix) :]
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    scheme = url.split("://", 1)[0] if "://" in url else url
    raise ConfigurationError(
        f"Unsupported database URL scheme {scheme!r}: use sqlite:///path/to/file.db "
        "or postgresql://user@host/dbname (RECYCLIC_DATABASE_URL)."
    )


class Settings(BaseSettings):
    """Every setting has a type, a safe default where one exists, and a one-line description."""

    model_config = SettingsConfigDict(
        env_prefix="RECYCLIC_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    env: Literal["development", "production"] = Field(
        "development", description="development (embedded defaults) or production (strict)."
    )
    data_dir: Path = Field(
        Path("data"), description="Where the SQLite file, audio and exports live."
    )
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty means the SQLite file DATA_DIR/recyclic.db."
    )
    redis_url: str = Field("", description="Redis URL; empty means embedded in-memory mode.")
    redis_key_prefix: str = Field("recyclic:", description="Prefix of every Redis key we write.")
    secret_key: SecretStr = Field(
        SecretStr(""), description="Signs tokens and archives; generated in development."
    )
    log_level: str = Field("INFO", description="Python logging level.")
    log_json: bool = Field(False, description="Log one JSON object per line (production).")
    timezone: str = Field("Europe/Paris", description="Default time zone for new sites.")
    public_url: str = Field("", description="Public base URL, used to register the webhook.")
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks (CIDR) of the reverse proxies whose "
        "X-Forwarded-For/-Proto are believed; empty: none.",
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token of GET /metrics (Prometheus); empty: no /metrics (404).",
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest request body (JSON), in bytes (1 MiB)."
    )

    # Database pool: small waits so an overloaded or unreachable database answers 503 fast.
    db_pool_size: int = Field(10, ge=1, description="PostgreSQL connections kept open.")
    db_max_overflow: int = Field(5, ge=0, description="Extra PostgreSQL connections under load.")
    # A request must answer (503 at worst) within 5 s, even when the database is black-holed.
    db_pool_timeout: float = Field(3.0, gt=0, description="Seconds to wait for a free connection.")
    db_connect_timeout: float = Field(3.0, gt=0, description="Seconds to open a connection.")
    db_command_timeout: float = Field(
        4.0, gt=0, description="Seconds one PostgreSQL statement may wait for its answer."
    )
    db_statement_timeout_ms: int = Field(30_000, ge=0, description="PostgreSQL statement timeout.")
    sqlite_busy_timeout_ms: int = Field(5_000, ge=0, description="SQLite wait on a locked file.")

    # Authentication.
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = Field(
        "HS256", description="The only JWT algorithm accepted."
    )
    access_token_minutes: int = Field(15, ge=1, description="Access token lifetime.")
    refresh_token_days: int = Field(30, ge=1, description="Refresh token lifetime.")
    device_cookie_days: int = Field(
        400, ge=1, le=400, description="Lifetime of a paired tablet's cookie (browsers cap 400)."
    )
    telegram_auth_max_age_seconds: int = Field(
        86_400, ge=60, description="Oldest accepted Telegram login `auth_date`."
    )
    login_code_minutes: int = Field(5, ge=1, description="Lifetime of a bot login code.")
    pin_max_failures: int = Field(
        5, ge=1, description="Wrong PINs from one source (address, device) before it is locked."
    )
    pin_max_failures_per_account: int = Field(
        50, ge=1, description="Wrong PINs from all sources together before the PIN is locked."
    )
    pin_lock_minutes: int = Field(15, ge=1, description="How long a PIN (or a source) is locked.")
    auth_rate_limit_per_ip: int = Field(30, ge=1, description="Auth requests/minute per IP.")

    # Telegram.
    telegram_bot_token: SecretStr = Field(SecretStr(""), description="Bot token from BotFather.")
    telegram_bot_username: str = Field(
        "", description="The bot's @username: shows the Telegram Login Widget on /connexion."
    )
    telegram_api_url: str = Field("https://api.telegram.org", description="Bot API base URL.")
    telegram_webhook_secret: SecretStr = Field(
        SecretStr(""),
        description="Checked against X-Telegram-Bot-Api-Secret-Token; empty: derived from "
        "SECRET_KEY.",
    )
    telegram_notify_timeout_seconds: float = Field(
        5.0, gt=0, description="Time limit of one notification sent to Telegram."
    )
    bot_conversation_timeout_seconds: int = Field(
        600, ge=1, description="Silence after which a bot conversation expires (10 min)."
    )

    # AI.
    gemini_api_key: SecretStr = Field(SecretStr(""), description="Empty: local classifier only.")
    gemini_base_url: str = Field("", description="Gemini API base URL (tests use a fake).")
    gemini_model: str = Field("gemini-2.5-flash", description="Gemini model name.")
    ai_timeout_seconds: float = Field(
        15.0, gt=0, description="Time limit of one Gemini call (each attempt)."
    )
    ai_total_timeout_seconds: float = Field(
        30.0, gt=0, description="Time limit of all attempts together, before the fallback."
    )
    ai_max_retries: int = Field(
        2, ge=0, le=5, description="Gemini retries after 429/5xx/timeouts (0: one attempt)."
    )
    ai_retry_initial_seconds: float = Field(
        0.5, ge=0, description="First backoff delay; doubled at each retry, with jitter."
    )
    ai_retry_max_seconds: float = Field(8.0, ge=0, description="Longest backoff delay.")
    ai_cache_size: int = Field(
        2048, ge=0, description="Classifications kept in memory (embedded mode); 0 disables."
    )
    ai_cache_ttl_seconds: int = Field(
        7 * 86_400, ge=0, description="Lifetime of a cached classification; 0 disables the cache."
    )
    ai_learning: bool = Field(
        True, description="Use each site's validated deposits as extra classifier evidence."
    )
    ai_learning_max_examples: int = Field(
        50_000, ge=1, description="Validated deposits a process remembers per site."
    )
    ai_learning_half_life_days: float = Field(
        365.0, gt=0, description="Age at which a validation counts half as much."
    )
    ai_learning_refresh_seconds: float = Field(
        0.0, ge=0, description="Least delay between two looks for new validations of a site."
    )
    ai_learning_prompt_examples: int = Field(
        5, ge=0, le=20, description="Closest validated examples put in Gemini's prompt."
    )
    audio_max_bytes: int = Field(
        20 * 1024 * 1024, gt=0, description="Largest accepted recording, in bytes (20 MiB)."
    )
    audio_max_seconds: float = Field(180.0, gt=0, description="Longest accepted recording.")
    audio_retention_days: int = Field(
        30, ge=0, description="Default days before recordings are deleted (0: keep them)."
    )

    # Cloud sync.
    kdrive_url: str = Field("", description="WebDAV root URL of the kDrive.")
    kdrive_username: str = Field("", description="WebDAV user name.")
    kdrive_password: SecretStr = Field(SecretStr(""), description="WebDAV password.")
    google_sheets_spreadsheet_id: str = Field("", description="Spreadsheet to append rows to.")
    google_sheets_credentials_file: str = Field("", description="Service-account JSON file.")
    google_sheets_api_url: str = Field(
        "https://sheets.googleapis.com", description="Sheets API base URL (tests use a fake)."
    )
    google_sheets_batch_size: int = Field(
        500, ge=1, le=10_000, description="Rows sent per Sheets append request."
    )
    sync_max_attempts: int = Field(
        5, ge=1, le=20, description="Tries per upload or append, the first one included."
    )
    sync_base_delay_seconds: float = Field(
        2.0, ge=0, description="Wait before the first retry; doubles at each retry, plus jitter."
    )
    sync_max_delay_seconds: float = Field(
        300.0, ge=0, description="Longest wait between two tries (a Retry-After may exceed it)."
    )
    sync_http_timeout_seconds: float = Field(
        30.0, gt=0, description="Connect/read/write timeout of each kDrive or Sheets request."
    )

    google_sheets_sales_sheet: str = Field(
        "Ventes", min_length=1, max_length=100, description="Tab receiving sales lines."
    )
    google_sheets_deposits_sheet: str = Field(
        "Dépôts", min_length=1, max_length=100, description="Tab receiving validated deposits."
    )

    # Background jobs (outbox + taskiq).
    jobs_retry_base_seconds: float = Field(
        30.0, ge=0, description="Wait before a failed job runs again; doubles each time."
    )
    jobs_retry_max_seconds: float = Field(
        3600.0, ge=0, description="Longest wait before a failed job runs again."
    )
    jobs_relay_interval_seconds: float = Field(
        5.0, gt=0, description="How often the relay looks for jobs the broker never took."
    )
    jobs_redeliver_after_seconds: float = Field(
        300.0, gt=0, description="A job handed to the broker but not started is handed again."
    )
    jobs_lease_seconds: float = Field(
        120.0, gt=0, description="A running job whose worker stops renewing this is re-run."
    )
    jobs_kick_timeout_seconds: float = Field(
        2.0, gt=0, description="Longest wait for the broker when handing it a job."
    )
    jobs_scheduler_interval_seconds: float = Field(
        60.0, gt=0, description="How often the scheduler checks for daily runs that are due."
    )
    jobs_concurrency: int = Field(4, ge=1, le=100, description="Jobs one worker runs at once.")
    jobs_shutdown_grace_seconds: float = Field(
        30.0, ge=0, description="On SIGTERM, how long running jobs may take to finish."
    )

    worker_heartbeat_seconds: float = Field(
        15.0, gt=0, description="How often a job worker records that it is alive."
    )
    worker_stale_seconds: float = Field(
        60.0, gt=0, description="A worker silent for longer counts as stopped (doctor)."
    )

    # Operations (`recyclic doctor`).
    backup_max_age_hours: float = Field(
        26.0, gt=0, description="Age of the newest backup beyond which `recyclic doctor` warns."
    )
    disk_min_free_mb: int = Field(
        1024, ge=0, description="Free space of DATA_DIR below which `recyclic doctor` warns."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: str) -> str:
        parse_networks(value)
        return value

    @model_validator(mode="after")
    def _resolve_database_and_secret(self) -> Settings:
        self.database_url = normalize_database_url(
            self.database_url or f"sqlite:///{self.data_dir / 'recyclic.db'}"
        )
        secret = self.secret_key.get_secret_value()
        if self.env == "production":
            if secret.lower() in _UNSAFE_SECRETS or len(secret) < _MIN_PRODUCTION_SECRET_LENGTH:
                raise ConfigurationError(
                    "RECYCLIC_SECRET_KEY must be set to a random value of at least "
                    f"{_MIN_PRODUCTION_SECRET_LENGTH} characters in production "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
                )
        elif not secret:
            self.secret_key = SecretStr(_load_or_create_dev_secret(self.data_dir))
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is used."""
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for in-memory / PostgreSQL."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[1] if ":///" in self.database_url else ""
        return None if path in ("", ":memory:") else Path(path)

    def for_batch_work(self) -> Settings:
        """These settings for commands and job workers: their statements (bulk history,
        yearly archive) may run longer than a request's few seconds; the server-side
        statement timeout still bounds them."""
        longest = max(self.db_command_timeout, self.db_statement_timeout_ms / 1000 + 5)
        return self.model_copy(update={"db_command_timeout": longest})

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The networks of RECYCLIC_TRUSTED_PROXIES."""
        return parse_networks(self.trusted_proxies)

    @property
    def audio_dir(self) -> Path:
        """Where voice recordings are stored."""
        return self.data_dir / "audio"

    @property
    def exports_dir(self) -> Path:
        """Where generated export files are stored."""
        return self.data_dir / "exports"


def parse_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """'127.0.0.1, 10.0.0.0/8' → networks; a bare address is a network of one."""
    networks = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {item!r}") from exc
    return tuple(networks)


def _load_or_create_dev_secret(data_dir: Path) -> str:
    """Keep one random development secret per data directory, so tokens survive restarts."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    ensure_private_dir(data_dir)
    value = secrets.token_urlsafe(48)
    # Created 0600: the key signs every token of this installation.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
