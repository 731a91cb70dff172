"""The web pages as routers, and the page-side settings they need (templates, CSRF)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap

from frontend.admin_pages import AdminPages
from frontend.audit_pages import AuditLogPages
from frontend.booking_pages import BookingPages
from frontend.catalogue_admin_pages import CatalogueAdminPages
from frontend.contact_pages import ContactPages, ContactStatusPage, FeedbackPages
from frontend.data_request_pages import DataRequestPages
from frontend.desk_pages import DeskPages
from frontend.directory_pages import DirectoryPages
from frontend.error_pages import error_page, to_login
from frontend.expert_admin_pages import ExpertAdminPages
from frontend.hold_pages import HoldPages
from frontend.inbox_pages import InboxPages, KeyCustomerPages, OutcomePages
from frontend.info_pages import InfoPages
from frontend.joint_session_pages import JointSessionPages
from frontend.oidc_pages import OidcSignInPages
from frontend.overview_pages import OverviewPages
from frontend.profile_pages import ProfilePages
from frontend.public_pages import CataloguePages, ServicePages
from frontend.report_pages import ReportPages
from frontend.schedule_pages import SchedulePages
from frontend.schema_docs import vendor_routers
from frontend.service_point_pages import ServicePointPages
from frontend.staff_pages import StaffCalendarPages, StaffSessionPages
from frontend.waitlist_pages import WaitlistPages
from luukku.problems import DomainError
from luukku.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
CSRF_COOKIE = "luukku_csrf"
# Routes that never take a form posted with the session cookie: bearer-token JSON and files.
CSRF_EXEMPT = ["^/api/", "^/feeds/", "^/schema", "^/healthz", "^/readyz", "^/static/"]
# Named one by one: the problem-details plugin's app-wide handlers would otherwise win for
# the exception classes it maps itself.
_PAGE_ERRORS: ExceptionHandlersMap = {
    DomainError: error_page,
    ValidationException: error_page,
    HTTPException: error_page,
}


def csrf_config(settings: Settings) -> CSRFConfig:
    secret = hashlib.sha256(f"luukku-csrf:{settings.signing_secret()}".encode()).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_samesite="strict",
        cookie_secure=settings.public_base_url.startswith("https://"),
        exclude=CSRF_EXEMPT,
    )


def web_routers() -> list[ControllerRouterHandler]:
    public = Router(
        path="/",
        route_handlers=[
            CataloguePages,
            DirectoryPages,
            ServicePages,
            HoldPages,
            BookingPages,
            InfoPages,
            ContactPages,
            ContactStatusPage,
            FeedbackPages,
            DataRequestPages,
            WaitlistPages,
        ],
        opt={"public": True},
        exception_handlers=_PAGE_ERRORS,
        include_in_schema=False,
    )
    staff = Router(
        path="/",
        route_handlers=[
            StaffSessionPages,
            OidcSignInPages,
            StaffCalendarPages,
            SchedulePages,
            ProfilePages,
            AdminPages,
            ExpertAdminPages,
            OverviewPages,
            CatalogueAdminPages,
            ReportPages,
            DeskPages,
            JointSessionPages,
            ServicePointPages,
            InboxPages,
            OutcomePages,
            KeyCustomerPages,
            AuditLogPages,
        ],
        exception_handlers={NotAuthorizedException: to_login, **_PAGE_ERRORS},
        include_in_schema=False,
    )
    static = create_static_files_router(path="/static", directories=[STATIC], opt={"public": True})
    return [public, staff, *vendor_routers(), static]
