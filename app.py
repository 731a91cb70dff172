"""Assembles the Luukku application: settings, database engine, plugins, routes and CLI."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.config import OpenAPIConfig
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from booking import plugin as booking_plugin
from booking.bookings.slot_answers import SlotAnswers
from booking.bookings.slot_cache import SlotCache, cache_reader, slot_cache_for
from booking.piccolo_app import APP_CONFIG as BOOKING_APP
from booking.plugin import BookingPlugin
from booking.retention import BOOKING_ANONYMISERS
from calendars import plugin as calendars_plugin
from calendars.credentials import PasswordCipher
from calendars.fetching import Fetcher
from calendars.piccolo_app import APP_CONFIG as CALENDARS_APP
from calendars.plugin import CalendarsPlugin
from frontend.error_pages import not_found
from frontend.routes import csrf_config, web_routers
from frontend.schema_docs import LocalRedoc
from frontend.templating import template_config
from luukku.cli import WorkerCLIPlugin
from luukku.clock import Clock, SystemClock
from luukku.database import bind_tables, engine_from_url, start_pool
from luukku.health import healthz, readyz
from luukku.log_redaction import install_log_redaction
from luukku.metrics import MetricsPlugin, Reader, job_lag_reader
from luukku.openapi import document_api
from luukku.piccolo_app import APP_CONFIG as LUUKKU_APP
from luukku.problems import (
    internal_error_handler,
    nesting_error_handler,
    problem_details_plugin,
)
from luukku.replicas import PrimaryWithReplicas
from luukku.sealing import Sealer
from luukku.settings import Settings
from luukku.worker import PeriodicJob, run_forever
from notifications import plugin as notifications_plugin
from notifications.delivery import Delivery
from notifications.messages import Sender
from notifications.metrics import outbox_readings
from notifications.piccolo_app import APP_CONFIG as NOTIFICATIONS_APP
from notifications.retention import NOTIFICATION_ANONYMISERS
from notifications.smtp import Mailer, SmtpConfig, SmtpMailer
from privacy import plugin as privacy_plugin
from privacy.data_requests import LINK_SEAL
from privacy.plugin import PrivacyPlugin
from privacy.retention import Retention
from security.content_types import json_bodies_only
from security.headers import security_headers
from security.piccolo_app import APP_CONFIG as SECURITY_APP
from security.rate_limits import RateLimiter, counters_for, rules_from
from staff.accounts import is_revoked
from staff.api import retrieve_staff_member
from staff.auth import TokenIssuer, staff_auth
from staff.plugin import StaffPlugin, openid_provider

ALL_TABLES: tuple[type[Table], ...] = tuple(
    table
    for app_config in (LUUKKU_APP, CALENDARS_APP, BOOKING_APP, NOTIFICATIONS_APP, SECURITY_APP)
    for table in app_config.table_classes
)
"""Every table of every Piccolo app, in migration order."""


def periodic_jobs(
    fetcher: Fetcher, delivery: Delivery, settings: Settings, retention: Retention
) -> list[PeriodicJob]:
    """What `litestar worker` (or the in-app worker) runs: each domain's own jobs."""
    return [
        *notifications_plugin.periodic_jobs(delivery),
        *calendars_plugin.periodic_jobs(fetcher, settings),
        *booking_plugin.periodic_jobs(fetcher, settings),
        *privacy_plugin.periodic_jobs(retention),
    ]


def retention_registry(settings: Settings) -> Retention:
    """Every table holding customers' details, with how it forgets them (a new table with
    personal data adds its anonymisers here)."""
    return Retention((*BOOKING_ANONYMISERS, *NOTIFICATION_ANONYMISERS), settings.retention_months)


def _delivery(settings: Settings, mailer: Mailer | None) -> Delivery:
    """The sender of the outbox: the test's mailer, else a pool of SMTP connections."""
    smtp = SmtpConfig.from_settings(settings)
    return Delivery(
        mailers=(mailer,)
        if mailer is not None
        else tuple(SmtpMailer(smtp) for _ in range(settings.smtp_connections)),
        sender=Sender.from_mail_from(settings.mail_from, settings.public_base_url),
        links=Sealer.from_settings(LINK_SEAL, settings),
    )


def _lifespan(
    settings: Settings,
    clock: Clock,
    engine: Engine,  # type: ignore[type-arg]
    owns_engine: bool,
    jobs: list[PeriodicJob],
    counters: Any,
    slot_cache: SlotCache,
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """The app's life: the connection pool (when the app owns the engine), WAL on SQLite, and
    the in-app worker when `RUN_WORKER_IN_APP`."""

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        if owns_engine and isinstance(engine, PostgresEngine):
            await start_pool(engine, settings.database_pool_size)
        elif isinstance(engine, SQLiteEngine):
            # WAL lets readers go on while a booking transaction writes.
            await engine._run_in_new_connection("PRAGMA journal_mode=WAL")
        # Everything alive after start-up lives as long as the process: keep it out of the
        # collector's full passes, which otherwise pause busy slot searches for ~60 ms.
        gc.freeze()
        worker = (
            asyncio.create_task(run_forever(jobs, clock)) if settings.run_worker_in_app else None
        )
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
            await counters.close()
            await slot_cache.close()
            if owns_engine and isinstance(engine, PostgresEngine):
                await engine.close_connection_pool()

    return database


def _singletons(**objects: Any) -> dict[str, Provide]:
    """Each object as a dependency of that name, the same one for every request."""

    def provider(value: Any) -> Provide:
        return Provide(lambda: value, use_cache=True, sync_to_thread=False)

    return {name: provider(value) for name, value in objects.items()}


def _metric_readers(
    engine: Engine,  # type: ignore[type-arg]
    jobs: list[PeriodicJob],
    slot_cache: SlotCache,
) -> list[Reader]:
    """The gauges /metrics reads at each scrape (luukku/metrics.py)."""
    return [
        outbox_readings,
        job_lag_reader([(job.name, job.every) for job in jobs]),
        cache_reader(slot_cache),
        *([engine.lag_readings] if isinstance(engine, PrimaryWithReplicas) else []),
    ]


def _plugins(
    settings: Settings,
    clock: Clock,
    engine: Engine,  # type: ignore[type-arg]
    jobs: list[PeriodicJob],
    slot_cache: SlotCache,
) -> list[Any]:
    """Problem details, the CLI, each domain's routes and jobs, and /metrics."""
    return [
        problem_details_plugin(),
        WorkerCLIPlugin(),
        StaffPlugin(),
        CalendarsPlugin(),
        BookingPlugin(),
        PrivacyPlugin(),
        MetricsPlugin(
            settings.metrics_enabled,
            settings.metrics_allowed_networks,
            _metric_readers(engine, jobs, slot_cache),
            clock,
        ),
    ]


def _engine(settings: Settings) -> Engine:  # type: ignore[type-arg]
    return engine_from_url(
        settings.database_url, settings.replica_database_urls, settings.replica_max_lag_seconds
    )


OPENAPI = OpenAPIConfig(
    title="Luukku",
    version="1",
    description="Booking for Finnish one-stop public services",
    render_plugins=[LocalRedoc()],
)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,  # type: ignore[type-arg]
    fetcher: Fetcher | None = None,
    mailer: Mailer | None = None,
) -> Litestar:
    """The app for `settings`; tests pass their own clock and an engine whose pool they own."""
    settings = settings or Settings.from_env()
    settings.signing_secret()  # refuse to start in production without SECRET_KEY
    install_log_redaction()  # before the server logs its first request
    oidc = openid_provider(settings)  # refuse settings that leave no way to sign in
    clock = clock or SystemClock()
    fetcher = fetcher or Fetcher(allowed_networks=settings.calendar_allowed_networks)
    delivery = _delivery(settings, mailer)
    retention = retention_registry(settings)
    jobs = periodic_jobs(fetcher, delivery, settings, retention)
    owns_engine = engine is None
    engine = engine or _engine(settings)
    bind_tables(engine, ALL_TABLES)
    counters = counters_for(settings, engine)
    rate_limiter = RateLimiter(
        counters, rules_from(settings), clock, enabled=settings.rate_limits_enabled
    )
    slot_cache = slot_cache_for(settings.redis_url, settings.database_url)
    database = _lifespan(settings, clock, engine, owns_engine, jobs, counters, slot_cache)
    auth = staff_auth(settings, retrieve_staff_member, is_revoked)
    tokens = TokenIssuer(auth)

    return Litestar(
        route_handlers=[healthz, readyz, *web_routers()],
        on_app_init=[auth.on_app_init],
        guards=[json_bodies_only],
        before_send=[security_headers(settings)],
        request_max_body_size=settings.max_request_body_bytes,
        dependencies=_singletons(
            settings=settings,
            clock=clock,
            engine=engine,
            tokens=tokens,
            oidc=oidc,
            fetcher=fetcher,
            cipher=PasswordCipher.from_settings(settings),
            slot_cache=slot_cache,
            slot_answers=SlotAnswers(settings, clock, slot_cache),
        ),
        lifespan=[database],
        plugins=_plugins(settings, clock, engine, jobs, slot_cache),
        template_config=template_config(),
        csrf_config=csrf_config(settings),
        exception_handlers={
            NotFoundException: not_found,
            RecursionError: nesting_error_handler,
            Exception: internal_error_handler,
        },
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        openapi_config=OPENAPI,
        state=State(
            {
                "periodic_jobs": jobs,
                "clock": clock,
                "engine": engine,
                "pool_size": settings.database_pool_size,
                "rate_limiter": rate_limiter,
                "slot_cache": slot_cache,
                "retention": retention,
            }
        ),
        debug=False,
        # At start-up rather than here: building the schema costs ~0.3 s per app.
        on_startup=[lambda app: document_api(app, auth.exclude or ())],
    )


app = create_app()
