"""The booking domain's part of the app: its routes, its periodic jobs and its CLI command
(`seed-demo`), registered by the domain itself so that app.py only lists the domains."""

from __future__ import annotations

from datetime import timedelta

from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.plugins import InitPluginProtocol

from booking.agenda.api import AbsenceBookingsController, MyBookingsController, join_meeting
from booking.bookings.api import BookingController, ExpertDirectoryController, ServiceController
from booking.bookings.calendar_push import push_bookings
from booking.catalogue.api import ServicesAdminController
from booking.demo.cli import DemoCLIPlugin
from booking.feeds.api import AgencyFeedController, FeedController, MyFeedController
from booking.holds.api import HoldController
from booking.holds.holding import book_with_hold
from booking.holds.jobs import hold_jobs
from booking.joint.api import JointSessionController
from booking.quality.api.contact import (
    ContactRequestController,
    KeyCustomerController,
    StaffContactRequestController,
)
from booking.quality.api.feedback import FeedbackController, OutcomeController
from booking.quality.escalation import escalate_due
from booking.reports.api import ReportController
from booking.staffing.api import ExpertAdminController
from booking.waitlist.api import WaitlistController
from booking.waitlist.jobs import waitlist_jobs
from calendars.fetching import Fetcher
from luukku.settings import Settings
from luukku.worker import PeriodicJob

ROUTES = (
    ServiceController,
    ExpertDirectoryController,
    BookingController,
    HoldController,
    WaitlistController,
    MyBookingsController,
    AbsenceBookingsController,
    ServicesAdminController,
    ExpertAdminController,
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
)


class BookingPlugin(DemoCLIPlugin, InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(ROUTES)
        # Holds sit above bookings: the booking route gets the hold-aware use case injected.
        app_config.dependencies["held_booking"] = Provide(
            lambda: book_with_hold, use_cache=True, sync_to_thread=False
        )
        return app_config


def periodic_jobs(fetcher: Fetcher, settings: Settings) -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "calendar-push", timedelta(minutes=1), lambda now: push_bookings(fetcher, settings, now)
        ),
        PeriodicJob("contact-escalations", timedelta(minutes=1), escalate_due),
        *hold_jobs(),
        *waitlist_jobs(settings),
    ]
