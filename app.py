"""Assembles the Luukku application: settings, database engine, plugins, routes and CLI."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

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

from booking.agenda.api import AbsenceBookingsController, MyBookingsController, join_meeting
from booking.bookings.api import BookingController, ServiceController
from booking.bookings.calendar_push import push_bookings
from booking.catalogue.admin_api import ServicesAdminController
from booking.demo.cli import DemoCLIPlugin
from booking.feeds.api import AgencyFeedController, FeedController, MyFeedController
from booking.holds.api import HoldController
from booking.holds.holding import book_with_hold
from booking.holds.jobs import hold_jobs
from booking.joint.api import JointSessionController
from booking.piccolo_app import APP_CONFIG as BOOKING_APP
from booking.quality.contact_api import (
    ContactRequestController,
    KeyCustomerController,
    StaffContactRequestController,
)
from booking.quality.contact_requests import escalate_due
from booking.quality.feedback_api import FeedbackController, OutcomeController
from booking.reports.api import ReportController
from booking.retention import BOOKING_ANONYMISERS
from calendars.admin_api import CalendarsAdminController
from calendars.credentials import PasswordCipher
from calendars.external import SYNC_EVERY, sync_due_calendars
from calendars.fetching import Fetcher
from calendars.piccolo_app import APP_CONFIG as CALENDARS_APP
from calendars.self_service_api import ExternalCalendarController, OwnCalendarController
from frontend.error_pages import not_found
from frontend.routes import csrf_config, web_routers
from frontend.templating import template_config
from luukku.cli import WorkerCLIPlugin
from luukku.clock import Clock, SystemClock
from luukku.database import bind_tables, engine_from_url
from luukku.health import healthz, readyz
from luukku.piccolo_app import APP_CONFIG as LUUKKU_APP
from luukku.problems import (
    document_problem_responses,
    internal_error_handler,
    nesting_error_handler,
    problem_details_plugin,
)
from luukku.settings import Settings
from luukku.worker import PeriodicJob, run_forever
from notifications.delivery import SEND_EVERY, Delivery, send_due
from notifications.messages import Sender
from notifications.piccolo_app import APP_CONFIG as NOTIFICATIONS_APP
from notifications.retention import NOTIFICATION_ANONYMISERS
from notifications.smtp import Mailer, SmtpConfig, SmtpMailer
from privacy.api import AuditLogController, DataRequestController
from privacy.jobs import daily_privacy_job
from privacy.retention import Retention
from security.headers import security_headers
from security.piccolo_app import APP_CONFIG as SECURITY_APP
from security.rate_limits import RateLimiter, counters_for, rules_from
from staff.accounts import is_revoked
from staff.api import AuthController, StaffController, retrieve_staff_member
from staff.auth import TokenIssuer, staff_auth
from staff.cli import StaffCLIPlugin

ALL_TABLES: tuple[type[Table], ...] = tuple(
    table
    for app_config in (LUUKKU_APP, CALENDARS_APP, BOOKING_APP, NOTIFICATIONS_APP, SECURITY_APP)
    for table in app_config.table_classes
)
"""Every table of every Piccolo app, in migration order."""


def periodic_jobs(
    fetcher: Fetcher, delivery: Delivery, settings: Settings, retention: Retention
) -> list[PeriodicJob]:
    """What `litestar worker` (or the in-app worker) runs."""
    cipher = PasswordCipher.from_settings(settings)
    return [
        PeriodicJob("notifications", SEND_EVERY, lambda now: send_due(delivery, now)),
        PeriodicJob(
            "external-calendars",
            timedelta(minutes=1),
            lambda now: sync_due_calendars(fetcher, now, every=SYNC_EVERY, cipher=cipher),
        ),
        PeriodicJob(
            "calendar-push", timedelta(minutes=1), lambda now: push_bookings(fetcher, settings, now)
        ),
        PeriodicJob("contact-escalations", timedelta(minutes=1), escalate_due),
        PeriodicJob("privacy", timedelta(days=1), lambda now: daily_privacy_job(retention, now)),
        *hold_jobs(),
    ]


def retention_registry(settings: Settings) -> Retention:
    """Every table holding customers' details, with how it forgets them (a new table with
    personal data adds its anonymisers here)."""
    return Retention((*BOOKING_ANONYMISERS, *NOTIFICATION_ANONYMISERS), settings.retention_months)


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
    clock = clock or SystemClock()
    fetcher = fetcher or Fetcher()
    smtp = SmtpConfig.from_settings(settings)
    delivery = Delivery(
        mailers=(mailer,)
        if mailer is not None
        else tuple(SmtpMailer(smtp) for _ in range(settings.smtp_connections)),
        sender=Sender.from_mail_from(settings.mail_from, settings.public_base_url),
    )
    retention = retention_registry(settings)
    jobs = periodic_jobs(fetcher, delivery, settings, retention)
    owns_engine = engine is None
    engine = engine or engine_from_url(settings.database_url)
    bind_tables(engine, ALL_TABLES)
    counters = counters_for(settings, engine)
    rate_limiter = RateLimiter(
        counters, rules_from(settings), clock, enabled=settings.rate_limits_enabled
    )

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        if owns_engine and isinstance(engine, PostgresEngine):
            await engine.start_connection_pool(min_size=1, max_size=settings.database_pool_size)
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
            if owns_engine and isinstance(engine, PostgresEngine):
                await engine.close_connection_pool()

    auth = staff_auth(settings, retrieve_staff_member, is_revoked)
    tokens = TokenIssuer(auth)
    cipher = PasswordCipher.from_settings(settings)

    return Litestar(
        route_handlers=[
            healthz,
            readyz,
            ServiceController,
            BookingController,
            HoldController,
            AuthController,
            StaffController,
            MyBookingsController,
            AbsenceBookingsController,
            CalendarsAdminController,
            OwnCalendarController,
            ExternalCalendarController,
            ServicesAdminController,
            ReportController,
            FeedController,
            MyFeedController,
            AgencyFeedController,
            JointSessionController,
            join_meeting,
            ContactRequestController,
            StaffContactRequestController,
            KeyCustomerController,
            OutcomeController,
            FeedbackController,
            AuditLogController,
            DataRequestController,
            *web_routers(),
        ],
        on_app_init=[auth.on_app_init],
        before_send=[security_headers(settings)],
        request_max_body_size=settings.max_request_body_bytes,
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "clock": Provide(lambda: clock, use_cache=True, sync_to_thread=False),
            "engine": Provide(lambda: engine, use_cache=True, sync_to_thread=False),
            "tokens": Provide(lambda: tokens, use_cache=True, sync_to_thread=False),
            "fetcher": Provide(lambda: fetcher, use_cache=True, sync_to_thread=False),
            "cipher": Provide(lambda: cipher, use_cache=True, sync_to_thread=False),
            "held_booking": Provide(lambda: book_with_hold, use_cache=True, sync_to_thread=False),
        },
        lifespan=[database],
        plugins=[
            problem_details_plugin(),
            WorkerCLIPlugin(),
            StaffCLIPlugin(),
            DemoCLIPlugin(),
        ],
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
        openapi_config=OpenAPIConfig(
            title="Luukku", version="1", description="Booking for Finnish one-stop public services"
        ),
        state=State(
            {
                "periodic_jobs": jobs,
                "clock": clock,
                "engine": engine,
                "pool_size": settings.database_pool_size,
                "rate_limiter": rate_limiter,
                "retention": retention,
            }
        ),
        debug=False,
        # At start-up rather than here: building the schema costs ~0.3 s per app.
        on_startup=[lambda app: document_problem_responses(app.openapi_schema)],
    )


app = create_app()
