"""The service-quality report page for administrators: a period form, charts drawn on the
server with a table of the same figures after each, and the CSV download."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Response, Template
from litestar.security.jwt import Token

from booking.reports.csv_export import csv_filename, report_csv
from booking.reports.figures import Period, Report
from booking.reports.loading import build_report
from calendars.directory import agencies_for
from frontend.charts import BarChart, bar_chart
from frontend.form_errors import from_domain_error
from frontend.templating import page, page_language
from luukku.clock import Clock
from luukku.local_time import default_zone
from luukku.problems import InvalidInput
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of `day`'s month: the period shown before one is chosen."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def report_charts(report: Report, language: str) -> dict[str, BarChart]:
    """The page's charts: bookings per week, utilisation, days to the first free slot and
    the answers to each satisfaction question."""
    charts = {
        "weeks": bar_chart(
            "chart-weeks", [(week.week, float(week.bookings)) for week in report.weeks]
        ),
        "utilisation": bar_chart(
            "chart-utilisation",
            [(expert.name, expert.utilisation_percent) for expert in report.utilisation],
            scale_max=100.0,
        ),
        "first_free": bar_chart(
            "chart-first-free",
            [
                (slot.names.get(language) or slot.service, slot.days)
                for slot in report.first_free_slots
            ],
        ),
    }
    for question in report.satisfaction:
        charts[question.question] = bar_chart(
            f"chart-{question.question.replace('_', '-')}",
            [(grade, float(count)) for grade, count in question.distribution.items()],
        )
    return charts


def week_columns(report: Report) -> dict[str, list[str]]:
    """The services, channels and agencies with bookings in any week: the tables' columns."""
    return {
        "service": sorted({key for week in report.weeks for key in week.by_service}),
        "channel": sorted({key for week in report.weeks for key in week.by_channel}),
        "agency": sorted({key for week in report.weeks for key in week.by_agency}),
    }


class ReportPages(Controller):
    path = "/staff/admin/reports"
    include_in_schema = False
    guards = (requires_role("admin", "agency_admin"),)

    @get("/", name="admin-reports")
    async def reports(
        self,
        request: Member,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
    ) -> Template:
        now = clock.now()
        if start is None and end is None:
            first, last = month_of(now.astimezone(default_zone(settings)).date())
            start, end = first.isoformat(), last.isoformat()
        form = {"start": start or "", "end": end or "", "agency": agency or ""}
        context: dict[str, Any] = {
            "member": request.user,
            "agencies": await agencies_for(request.user),
            "form": form,
            "errors": {},
        }
        try:
            period = Period.parse(start, end, settings.default_timezone)
        except InvalidInput as error:
            return page(
                request,
                "staff/admin_reports.html",
                status_code=422,
                **{**context, "errors": from_domain_error(error, "start")},
            )
        report = await build_report(request.user, period, agency or None, now)
        language = page_language(request)
        query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if report.agency:
            query["agency"] = report.agency
        return page(
            request,
            "staff/admin_reports.html",
            report=report,
            charts=report_charts(report, language),
            csv_url=f"/staff/admin/reports/report.csv?{urlencode(query)}",
            service_names={
                slot.service: slot.names.get(language) or slot.service
                for slot in report.first_free_slots
            },
            agency_names={a.slug: a.names[language] for a in context["agencies"]},
            week_columns=week_columns(report),
            **context,
        )

    @get("/report.csv", name="admin-reports-csv")
    async def report_as_csv(
        self,
        request: Member,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
    ) -> Response[str]:
        """The page's figures as CSV, with the page's own session (the JSON API takes bearer
        tokens only)."""
        period = Period.parse(start, end, settings.default_timezone)
        report = await build_report(request.user, period, agency or None, clock.now())
        return Response(
            report_csv(report),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{csv_filename(report)}"'},
        )
