"""Typed application settings, read once from the environment (see .env.example)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


RATE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(value: str) -> tuple[int, int]:
    """`"20/hour"` as (20, 3600): a count and a window in seconds."""
    count, _, unit = value.strip().partition("/")
    if not count.strip().isdigit() or unit.strip() not in RATE_UNITS:
        raise ValueError(f"a rate limit is count/unit ({', '.join(RATE_UNITS)}), not {value!r}")
    return int(count), RATE_UNITS[unit.strip()]


def parse_role_map(value: str) -> tuple[tuple[str, str], ...]:
    """`"luukku-admins=admin,luukku-experts=expert"` as ((group, role), ...)."""
    pairs = []
    for item in value.split(","):
        group, sep, role = item.strip().rpartition("=")
        if not item.strip():
            continue
        if not sep or not group.strip() or not role.strip():
            raise ValueError(f"OIDC_ROLE_MAP is group=role pairs separated by commas, not {item!r}")
        pairs.append((group.strip(), role.strip()))
    return tuple(pairs)


def _rate(env: dict[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    parse_rate(value)  # refuse a malformed limit at start-up, not at the first request
    return value


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
    """Login attempts one client address may make a minute (429 beyond)."""
    login_free_attempts: int = 5
    """Sign-ins to one email within 15 minutes before each further one is slowed down."""
    login_delay_seconds: float = 1.0
    """The first slowed sign-in waits this long; each further one twice as long as the last."""
    login_delay_cap_seconds: float = 16.0
    """The longest a sign-in waits: an attacker slows the staff member down, never locks out."""
    login_notice_after: int = 10
    """Sign-ins to one email within 15 minutes after which its owner is told by email."""
    rate_limits_enabled: bool = True
    """Whether the rate limits below apply; benchmarks and the API fuzzer turn them off."""
    rate_limit_booking: str = "20/hour"
    """New bookings one address, and one customer email, may make (`count/unit`, unit one of
    second, minute, hour, day)."""
    rate_limit_hold: str = "60/hour"
    """Holds taken per address (and per browser): choosing a time on the service page takes one."""
    rate_limit_manage: str = "60/hour"
    """Requests with a manage token (read, cancel, reschedule) from one address."""
    rate_limit_contact: str = "10/hour"
    """Contact requests one address, and one email, may send."""
    rate_limit_data_request: str = "5/hour"
    """Requests for one's personal data (export and erasure links) per address and email."""
    redis_url: str = ""
    """`redis://host:port/db`: rate-limit counters shared by every process; without it they
    live in the database."""
    max_request_body_bytes: int = 1_048_576
    """Largest request body accepted (413 beyond)."""
    retention_months: int = 12
    """Customer details of a booking are anonymised this many months after the appointment;
    the statistics (reference, service, times, channel, status) stay."""
    demo_mode: bool = True
    """Demo conveniences (a fixed development secret). Set `DEMO_MODE=false` in production."""
    public_base_url: str = "http://127.0.0.1:8000"
    """Base of links in emails and feeds (manage links, calendar feeds). Unset, it follows
    `HOST` and `PORT` (as `make run PORT=8123` sets them), so demo links work on any port."""
    default_timezone: str = "Europe/Helsinki"
    """Zone used for query dates and display when a request names none."""
    privacy_notice_version: str = "2026-11"
    """Version of the privacy notice shown on the booking form; stored with each booking."""
    max_customer_reschedules: int = 1
    hold_minutes: int = 5
    """How long a chosen time is kept for the customer filling in the booking form."""
    waitlist_offer_minutes: int = 60
    """How long a freed time offered to the first in a waitlist is kept for them."""
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
    calendar_allowed_networks: tuple[str, ...] = ()
    """CIDR networks (`10.20.0.0/16,192.168.5.10/32`) whose calendar servers experts' own
    calendars may be read from and written to: the city's internal CalDAV or Exchange
    gateway. Other private, link-local and loopback addresses stay refused; loopback only
    when listed (`127.0.0.0/8`)."""
    mail_from: str = "Luukku <luukku@localhost>"
    """Sender of every message and ORGANIZER of the calendar invitations."""
    password_login: bool = True
    """Whether staff may sign in with an email and a password; `PASSWORD_LOGIN=false` leaves
    only the OpenID Connect sign-in (which must then be configured)."""
    oidc_issuer: str = ""
    """The city's OpenID Provider, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`:
    its discovery document is `<issuer>/.well-known/openid-configuration`. Empty: no OIDC."""
    oidc_client_id: str = ""
    """Luukku's client id at the provider (the application id of the registration)."""
    oidc_client_secret: str = ""
    """Luukku's client secret at the provider (a confidential client; PKCE is used as well)."""
    oidc_scopes: str = "openid email profile"
    """Scopes asked for at sign-in; `openid` and `email` are needed."""
    oidc_provider_name: str = ""
    """Shown on the sign-in page: "Sign in with <name>" (e.g. `Helsinki Tunnistus`)."""
    oidc_role_claim: str = ""
    """A claim listing the person's groups or roles (`groups`, `roles`): with OIDC_ROLE_MAP it
    sets the mapped roles at each sign-in. Empty: roles come from Luukku's records only."""
    oidc_role_map: tuple[tuple[str, str], ...] = ()
    """`group=role` pairs (OIDC_ROLE_MAP=`luukku-admins=admin,luukku-experts=expert`)."""
    oidc_email_verified_claim: str = "email_verified"
    """The boolean claim that says the email is verified (Entra ID: `xms_edov`)."""
    oidc_api_audience: str = ""
    """The audience of provider access tokens that `POST /api/v1/auth/oidc/token` exchanges for
    a Luukku bearer token (e.g. `api://luukku`). Empty: no exchange."""
    oidc_jwks_refresh_seconds: int = 60
    """Shortest time between two fetches of the provider's keys prompted by an unknown key id."""

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    metrics_enabled: bool = False
    """Serve Prometheus metrics at `/metrics` (request counts and latency per route, outbox,
    job lag, replica lag, slot-cache ratio)."""
    metrics_allowed_networks: str = "127.0.0.1/32,::1/128"
    """Comma-separated addresses or networks that may read `/metrics`; others get 404."""
    replica_database_urls: tuple[str, ...] = field(default_factory=tuple)
    """PostgreSQL streaming replicas (comma-separated URLs): slot searches, the catalogue, the
    directory and feeds read from them; every write and every check inside a booking stays
    on the primary (`DATABASE_URL`)."""
    replica_max_lag_seconds: float = 5.0
    """A replica further behind than this is not read from: reads go to the primary."""

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
            login_free_attempts=int(env.get("LOGIN_FREE_ATTEMPTS") or defaults.login_free_attempts),
            login_delay_seconds=float(
                env.get("LOGIN_DELAY_SECONDS") or defaults.login_delay_seconds
            ),
            login_delay_cap_seconds=float(
                env.get("LOGIN_DELAY_CAP_SECONDS") or defaults.login_delay_cap_seconds
            ),
            login_notice_after=int(env.get("LOGIN_NOTICE_AFTER") or defaults.login_notice_after),
            rate_limits_enabled=_flag(env.get("RATE_LIMITS_ENABLED"), default=True),
            rate_limit_booking=_rate(env, "RATE_LIMIT_BOOKING", defaults.rate_limit_booking),
            rate_limit_hold=_rate(env, "RATE_LIMIT_HOLD", defaults.rate_limit_hold),
            rate_limit_manage=_rate(env, "RATE_LIMIT_MANAGE", defaults.rate_limit_manage),
            rate_limit_contact=_rate(env, "RATE_LIMIT_CONTACT", defaults.rate_limit_contact),
            rate_limit_data_request=_rate(
                env, "RATE_LIMIT_DATA_REQUEST", defaults.rate_limit_data_request
            ),
            redis_url=env.get("REDIS_URL", ""),
            max_request_body_bytes=int(
                env.get("MAX_REQUEST_BODY_BYTES") or defaults.max_request_body_bytes
            ),
            retention_months=int(env.get("RETENTION_MONTHS") or defaults.retention_months),
            demo_mode=_flag(env.get("DEMO_MODE"), default=True),
            public_base_url=(
                env.get("PUBLIC_BASE_URL") or _address_of(env, defaults.public_base_url)
            ).rstrip("/"),
            default_timezone=env.get("DEFAULT_TIMEZONE", defaults.default_timezone),
            privacy_notice_version=env.get(
                "PRIVACY_NOTICE_VERSION", defaults.privacy_notice_version
            ),
            max_customer_reschedules=int(env.get("MAX_CUSTOMER_RESCHEDULES", "1")),
            hold_minutes=max(1, int(env.get("HOLD_MINUTES") or defaults.hold_minutes)),
            waitlist_offer_minutes=max(
                1, int(env.get("WAITLIST_OFFER_MINUTES") or defaults.waitlist_offer_minutes)
            ),
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
            **_oidc_from_env(env, defaults),
            calendar_allowed_networks=_networks(env.get("CALENDAR_ALLOWED_NETWORKS", "")),
            **_operations_from_env(env, defaults),
        )


def _oidc_from_env(env: dict[str, str], defaults: Settings) -> dict[str, Any]:
    """The OpenID Connect sign-in's settings (docs/configuration.md)."""
    return {
        "password_login": _flag(env.get("PASSWORD_LOGIN"), default=True),
        "oidc_issuer": env.get("OIDC_ISSUER", "").strip(),
        "oidc_client_id": env.get("OIDC_CLIENT_ID", "").strip(),
        "oidc_client_secret": env.get("OIDC_CLIENT_SECRET", ""),
        "oidc_scopes": env.get("OIDC_SCOPES") or defaults.oidc_scopes,
        "oidc_provider_name": env.get("OIDC_PROVIDER_NAME", "").strip(),
        "oidc_role_claim": env.get("OIDC_ROLE_CLAIM", "").strip(),
        "oidc_role_map": parse_role_map(env.get("OIDC_ROLE_MAP", "")),
        "oidc_email_verified_claim": env.get("OIDC_EMAIL_VERIFIED_CLAIM")
        or defaults.oidc_email_verified_claim,
        "oidc_api_audience": env.get("OIDC_API_AUDIENCE", "").strip(),
        "oidc_jwks_refresh_seconds": int(env.get("OIDC_JWKS_REFRESH_SECONDS") or "60"),
    }


def _operations_from_env(env: dict[str, str], defaults: Settings) -> dict[str, Any]:
    """Metrics and read replicas (docs/deployment.md)."""
    return {
        "metrics_enabled": _flag(env.get("METRICS_ENABLED"), default=False),
        "metrics_allowed_networks": env.get("METRICS_ALLOWED_NETWORKS")
        or defaults.metrics_allowed_networks,
        "replica_database_urls": tuple(
            url.strip() for url in env.get("REPLICA_DATABASE_URLS", "").split(",") if url.strip()
        ),
        "replica_max_lag_seconds": float(
            env.get("REPLICA_MAX_LAG_SECONDS") or defaults.replica_max_lag_seconds
        ),
    }


def _address_of(env: dict[str, str], default: str) -> str:
    """`http://HOST:PORT` of the process itself, when `make run` (or the operator) names them."""
    if not env.get("PORT") and not env.get("HOST"):
        return default
    host = env.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - listening everywhere; links name this machine
        host = "127.0.0.1"
    return f"http://{host}:{env.get('PORT') or '8000'}"


def _networks(text: str) -> tuple[str, ...]:
    """A comma-separated CIDR list, each checked (a host address without a prefix is one
    address); an invalid entry stops the start with the setting named."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError as exc:
            raise ValueError(f"CALENDAR_ALLOWED_NETWORKS: {entry!r} is not a network") from exc
    return tuple(networks)
