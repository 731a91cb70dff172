"""Service-quality reports for administrators: `GET /api/v1/admin/reports` (JSON) and
`GET /api/v1/admin/reports.csv` (the same figures, one per line)."""

from __future__ import annotations

import dataclasses
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.security.jwt import Token

from booking.reports.csv_export import csv_filename, report_csv
from booking.reports.figures import Period, Report
from booking.reports.loading import build_report
from luukku.clock import Clock
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]


def in_local_time(report: Report) -> Report:
    """The report with its instants in its own zone, as the API returns times."""
    zone = ZoneInfo(report.timezone)
    return dataclasses.replace(
        report,
        generated_at=report.generated_at.astimezone(zone),
        first_free_slots=[
            dataclasses.replace(
                slot,
                first_free_start=(
                    slot.first_free_start.astimezone(zone) if slot.first_free_start else None
                ),
            )
            for slot in report.first_free_slots
        ],
    )


async def requested_report(
    member: StaffMember,
    settings: Settings,
    clock: Clock,
    start: str | None,
    end: str | None,
    agency: str | None,
) -> Report:
    """The report the query asks for (422 naming `start` or `end` for a bad period)."""
    period = Period.parse(start, end, settings.default_timezone)
    return await build_report(member, period, agency or None, clock.now())


class ReportController(Controller):
    path = "/api/v1/admin"
    tags = ("administration",)  # type: ignore[assignment]
    guards = (requires_role("admin", "agency_admin"),)

    @get(
        "/reports",
        summary="Service-quality figures of a period (Helsinki dates, end inclusive)",
    )
    async def report(
        self,
        request: Member,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
    ) -> Report:
        report = await requested_report(request.user, settings, clock, start, end, agency)
        return in_local_time(report)

    @get("/reports.csv", summary="The same figures as CSV, one per line")
    async def report_as_csv(
        self,
        request: Member,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        start: FromQuery[str | None] = None,
        end: FromQuery[str | None] = None,
        agency: FromQuery[str | None] = None,
    ) -> Response[str]:
        report = await requested_report(request.user, settings, clock, start, end, agency)
        return Response(
            report_csv(report),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{csv_filename(report)}"'},
        )
