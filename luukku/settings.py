"""Typed application settings, read once from the environment (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'luukku.sqlite'}"


SMTP_TLS_MODES = ("none", "starttls", "tls")


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    value = value.strip().lower()
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app reads from the environment; tests build their own instance."""

    database_url: str = DEFAULT_DATABASE_URL
    """`sqlite:///path` (embedded default) or `postgresql://user:pass@host:port/db`."""
    database_pool_size: int = 10
    """Connections per app process on PostgreSQL."""
    secret_key: str = ""
    """Signs tokens. Required unless `demo_mode`; the app refuses to start without it."""
    previous_secret_keys: tuple[str, ...] = ()
    """Earlier SECRET_KEYs whose tokens are still accepted until they expire (key rotation)."""
    access_token_minutes: int = 30
    """Lifetime of a staff access token."""
    login_attempts_per_minute: int = 10
    """Login attempts one client may make a minute (429 with Retry-After beyond)."""
    demo_mode: bool = True
    """Demo conveniences (a fixed development secret). Set `DEMO_MODE=false` in production."""
    public_base_url: str = "http://127.0.0.1:8000"
    """Base of links in emails and feeds (manage links, calendar feeds)."""
    default_timezone: str = "Europe/Helsinki"
    """Zone used for query dates and display when a request names none."""
    privacy_notice_version: str = "2026-11"
    """Version of the privacy notice shown on the booking form; stored with each booking."""
    max_customer_reschedules: int = 1
    """How many times a customer may move a booking themselves before contacting the agency."""
    max_slot_range_days: int = 62
    """Longest date range one slot search may cover."""
    video_base_url: str = "https://meet.jit.si"
    """Plain video links (`<base>/<room>`) when no Jitsi JWT settings are given."""
    jitsi_domain: str = ""
    """A Jitsi Meet server with JWT authentication, e.g. `meet.example.fi`: with the app id
    and secret, each participant's join link carries a personal, time-limited token."""
    jitsi_app_id: str = ""
    jitsi_app_secret: str = ""
    run_worker_in_app: bool = True
    """Run the notification worker inside the app process (default with SQLite)."""
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    """Origins allowed to call the public API from a browser (municipal web sites)."""
    smtp_host: str = "127.0.0.1"
    """Mail server; the default is the demo sink `make run` starts."""
    smtp_port: int = 1025
    """Mail server port (587 for STARTTLS, 465 for TLS at most providers)."""
    smtp_username: str = ""
    """Login at the mail server; none when empty."""
    smtp_password: str = ""
    smtp_tls: str = "none"
    """`none`, `starttls` (upgrade after connecting) or `tls` (TLS from the first byte)."""
    smtp_connections: int = 4
    """SMTP connections one worker keeps open and sends over side by side."""
    smtp_timeout_seconds: float = 30.0
    """How long one SMTP command may take before the attempt counts as a transient failure."""
    mail_from: str = "Luukku <luukku@localhost>"
    """Sender of every message and ORGANIZER of the calendar invitations."""

    @property
    def uses_jitsi_tokens(self) -> bool:
        return bool(self.jitsi_domain and self.jitsi_app_id and self.jitsi_app_secret)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    def signing_secret(self) -> str:
        if len(self.secret_key) >= 32:
            return self.secret_key
        if self.secret_key and not self.demo_mode:
            raise RuntimeError("SECRET_KEY must be at least 32 characters (HS256)")
        if self.demo_mode:
            return "luukku-demo-secret-do-not-use-in-production-ever"
        raise RuntimeError("SECRET_KEY is required when DEMO_MODE is false")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        database_url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        is_sqlite = database_url.startswith("sqlite")
        defaults = cls()
        return cls(
            database_url=database_url,
            database_pool_size=int(env.get("DATABASE_POOL_SIZE", "10")),
            secret_key=env.get("SECRET_KEY", ""),
            previous_secret_keys=tuple(
                k for k in env.get("PREVIOUS_SECRET_KEYS", "").split(",") if k
            ),
            access_token_minutes=int(env.get("ACCESS_TOKEN_MINUTES", "30")),
            login_attempts_per_minute=int(env.get("LOGIN_ATTEMPTS_PER_MINUTE", "10")),
            demo_mode=_flag(env.get("DEMO_MODE"), default=True),
            public_base_url=env.get("PUBLIC_BASE_URL", defaults.public_base_url).rstrip("/"),
            default_timezone=env.get("DEFAULT_TIMEZONE", defaults.default_timezone),
            privacy_notice_version=env.get(
                "PRIVACY_NOTICE_VERSION", defaults.privacy_notice_version
            ),
            max_customer_reschedules=int(env.get("MAX_CUSTOMER_RESCHEDULES", "1")),
            max_slot_range_days=int(env.get("MAX_SLOT_RANGE_DAYS", "62")),
            video_base_url=env.get("VIDEO_BASE_URL", defaults.video_base_url).rstrip("/"),
            jitsi_domain=env.get("JITSI_DOMAIN", "").strip().strip("/"),
            jitsi_app_id=env.get("JITSI_APP_ID", ""),
            jitsi_app_secret=env.get("JITSI_APP_SECRET", ""),
            run_worker_in_app=_flag(env.get("RUN_WORKER_IN_APP"), default=is_sqlite),
            cors_origins=tuple(o for o in env.get("CORS_ORIGINS", "").split(",") if o),
            smtp_host=env.get("SMTP_HOST") or defaults.smtp_host,
            smtp_port=int(env.get("SMTP_PORT") or defaults.smtp_port),
            smtp_username=env.get("SMTP_USERNAME", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_tls=_choice("SMTP_TLS", env.get("SMTP_TLS") or "none", SMTP_TLS_MODES),
            smtp_connections=max(1, int(env.get("SMTP_CONNECTIONS") or defaults.smtp_connections)),
            smtp_timeout_seconds=float(
                env.get("SMTP_TIMEOUT_SECONDS") or defaults.smtp_timeout_seconds
            ),
            mail_from=env.get("MAIL_FROM") or defaults.mail_from,
        )
